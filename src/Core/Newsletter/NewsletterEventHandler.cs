using Microsoft.Extensions.Logging;
using Microstructures.Core.Email;

namespace Microstructures.Core.Newsletter;

// The newsletter's part of the SendGrid Event Webhook (plugged into EmailEventReconciler):
// - any event naming a delivery (custom arg nl_delivery) proves the provider accepted that recipient's
//   call: a delivery still Planned or Sending is settled Sent, so a crash between the call and the
//   settle never sends it twice;
// - hard bounces ("bounce" of type "bounce", not "blocked"), spam reports, unsubscribes and drops for
//   a suppressed address mark the subscriber and add the hashed suppression, whatever e-mail it was.
// Idempotent: an event applied twice changes nothing more.
public sealed partial class NewsletterEventHandler(CampaignStore campaigns, Unsubscriptions unsubscriptions, TimeProvider time, ILogger<NewsletterEventHandler> logger) : IProviderEventHandler
{
    public async Task HandleAsync(IReadOnlyList<ProviderEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            if (DeliveryKey.TryParse(e.Arg(NewsletterBatchSender.DeliveryArg), out var key))
            {
                await SettleAsync(key, e, cancellationToken);
            }
            if (Signal(e) is { } signal && e.Email is { Length: > 0 } email)
            {
                await unsubscriptions.ApplyProviderSignalAsync(email, signal, e.Reason ?? e.Event, cancellationToken);
            }
        }
    }

    public static SubscriberSignal? Signal(ProviderEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Event switch
        {
            "bounce" when string.Equals(e.Type, "bounce", StringComparison.OrdinalIgnoreCase) => SubscriberSignal.Bounced,
            "spamreport" => SubscriberSignal.Complained,
            "unsubscribe" or "group_unsubscribe" => SubscriberSignal.Unsubscribed,
            "dropped" => e.Reason switch
            {
                "Bounced Address" or "Invalid" => SubscriberSignal.Bounced,
                "Spam Reporting Address" => SubscriberSignal.Complained,
                "Unsubscribed Address" => SubscriberSignal.Unsubscribed,
                _ => null,
            },
            _ => null,
        };
    }

    private async Task SettleAsync(DeliveryKey key, ProviderEvent e, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var row = await campaigns.GetDeliveryAsync(key, cancellationToken);
            if (row is null || row.StatusValue() is not (DeliveryStatus.Planned or DeliveryStatus.Sending))
            {
                return;
            }
            row.Status = nameof(DeliveryStatus.Sent);
            row.SettledAt = time.GetUtcNow();
            row.ProviderMessageId ??= e.ProviderMessageId;
            row.LastError = "settled by the provider's " + e.Event + " event";
            if (await campaigns.TryUpdateDeliveryAsync(row, cancellationToken))
            {
                LogSettled(key.ToString(), e.Event);
                return;
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Newsletter delivery {Delivery} settled by a provider {Event} event")]
    private partial void LogSettled(string delivery, string? @event);
}
