using System.Net;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

// A registration attempt, from the form, the API or the staff: validated against the event's cached
// definition, counted against the abuse limits once it is well formed (public attempts only), committed
// by the event's committer (RegistrationCommitter: the rush path), and answered.
// An address registered already takes no second seat: its confirmation is sent again.
public sealed class RegistrationService(
    EventCatalogue catalogue, RegistrationCommitter committer, RegistrationRateLimiter limiter, RegistrationStore store, RegistrationLinks links, EmailOutbox outbox, RegistrationEmails emails,
    TimeProvider time, ILogger<RegistrationService> logger,
    PlatformMetrics metrics)
{
    // client: the caller's address as the platform knows it (never one the caller wrote), for the limit per address.
    public async Task<Result<RegistrationOutcome>> RegisterAsync(string eventId, RegistrationInput? input, RegistrationSource source = RegistrationSource.Public, IPAddress? client = null, CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrEmpty(input?.Website))
        {
            logger.LogWarning("Discarded a registration for {EventId}: honeypot filled", eventId);
            return Result<RegistrationOutcome>.Success(RegistrationOutcome.Discarded);
        }
        var evt = EventRules.IsValidEventId(eventId) ? await catalogue.GetDefinitionAsync(eventId, cancellationToken) : null;
        if (evt is null)
        {
            return Result<RegistrationOutcome>.NotFound("Cet événement n'existe pas.");
        }
        var validation = RegistrationRules.Validate(input, evt.ExtraQuestions);
        if (!validation.IsSuccess)
        {
            return Result<RegistrationOutcome>.Invalid(validation.Errors);
        }
        var now = time.GetUtcNow();
        if (RegistrationWindow.Refusal(evt, source, now) is { } refused)
        {
            return refused;
        }
        if (source == RegistrationSource.Public && limiter.TryAcquire(client, validation.Value!.Email) is { Allowed: false } limited)
        {
            logger.LogWarning("Registration attempt for {EventId} rate-limited for {RetryAfter}", eventId, limited.RetryAfter);
            return Result<RegistrationOutcome>.TooManyRequests(
                $"Trop de tentatives d'inscription en peu de temps. Réessayez dans {FrenchDuration.Format(limited.RetryAfter)}.", limited.RetryAfter);
        }

        // The commit itself is not cancelled with this request: the other items of its batch depend on it.
        var reg = RegistrationEntity.New(eventId, validation.Value!, source, now);
        switch (await committer.CommitAsync(reg, source, now))
        {
            case Taken taken:
                metrics.RegistrationTaken(reg.Status.ToString());
                logger.LogInformation("Registered {RegistrationId} for {EventId} as {Status}", reg.RegistrationId, eventId, reg.Status);
                return Result<RegistrationOutcome>.Success(new RegistrationOutcome(RegistrationOutcomeKind.Created, reg.RegistrationId, reg.Status, taken.Position,
                    links.ManageLink(eventId, reg.RegistrationId).ToString()));
            case AlreadyThere there:
                return Result<RegistrationOutcome>.Success(await ResendAsync(evt, there.Existing, cancellationToken));
            case Refused no:
                return no.Result;
            default:
                throw new InvalidOperationException("Unknown commit answer.");
        }
    }

    private async Task<RegistrationOutcome> ResendAsync(EventEntity evt, RegistrationEntity existing, CancellationToken cancellationToken)
    {
        int? position = existing is { Status: RegistrationStatus.Waitlisted, WaitSequence: { } seq }
            ? await store.WaitlistPositionAsync(evt.EventId, seq, cancellationToken)
            : null;
        var message = existing.Status == RegistrationStatus.Confirmed ? emails.Confirmation(evt, existing, promoted: false) : emails.Waitlisted(evt, existing);
        await outbox.SendAsync(message, cancellationToken: cancellationToken);
        logger.LogInformation("Registration {RegistrationId} for {EventId} asked again: confirmation re-sent", existing.RegistrationId, evt.EventId);
        // No manage link in the answer: whoever typed this address may not own it. The link goes to
        // the address, in the e-mail sent again.
        return new RegistrationOutcome(RegistrationOutcomeKind.AlreadyRegistered, existing.RegistrationId, existing.Status, position, ManageUrl: null);
    }
}
