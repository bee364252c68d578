using System.Net;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

// A registration attempt, from the form, the API or the staff: validated against the event's cached
// definition, counted against the abuse limits once it is well formed (public attempts only), committed
// by the event's committer (RegistrationCommitter: the rush path), and answered.
// An address registered already takes no second seat and learns nothing of it: the answer says only
// that it is registered, its owner is e-mailed where their registration stands (at most once an hour).
public sealed class RegistrationService(
    EventCatalogue catalogue, RegistrationCommitter committer, RegistrationRateLimiter limiter, RegistrationLinks links, EmailOutbox outbox, RegistrationEmails emails,
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
                return Result<RegistrationOutcome>.Success(await TellOwnerAsync(evt, there.Existing, cancellationToken));
            case Refused no:
                return no.Result;
            default:
                throw new InvalidOperationException("Unknown commit answer.");
        }
    }

    // The owner of the address is told where their registration stands, with its link, at most once per
    // clock hour per registration whatever the route (staff included) and however many instances: the
    // e-mail's id names the registration and the hour, and the outbox records an id once.
    private async Task<RegistrationOutcome> TellOwnerAsync(EventEntity evt, RegistrationEntity existing, CancellationToken cancellationToken)
    {
        var emailId = $"reg-{existing.RegistrationId}-again-{time.GetUtcNow():yyyyMMddHH}";
        if (await outbox.SendOnceAsync(emails.AlreadyRegistered(evt, existing), emailId, cancellationToken))
        {
            logger.LogInformation("Registration {RegistrationId} for {EventId} asked again: its owner was told", existing.RegistrationId, evt.EventId);
        }
        return RegistrationOutcome.AlreadyRegistered;
    }
}
