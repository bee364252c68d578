namespace Microstructures.Core.Email;

// A feature that acts on the provider's Event Webhook events beyond the outbox's own e-mails (the
// newsletter: its deliveries, bounces and complaints). EmailEventReconciler hands every verified event
// to each registered handler after its own pass. Handlers are idempotent: SendGrid may post an event twice.
public interface IProviderEventHandler
{
    Task HandleAsync(IReadOnlyList<ProviderEvent> events, CancellationToken cancellationToken = default);
}
