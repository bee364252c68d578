using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

// Frees the seat (or the waitlist place) and, in the same transaction, promotes the head of the
// waitlist into every seat now free: a crash can never leave a free seat with people waiting.
// The registrant's own cancellation ends at the door: once checked in, or once the event has begun, a
// seat given back could not be used by anyone (RegistrantRefusal). The staff can still correct; for an
// event under way that is bookkeeping: nobody is promoted and nobody is e-mailed.
public sealed class RegistrationCancellation(
    RegistrationStore store, EventLocks locks, WaitlistPromotion promotion, RegistrationViews views, EmailOutbox outbox, RegistrationEmails emails,
    TimeProvider time, ILogger<RegistrationCancellation> logger)
{
    private const int MaxAttempts = 100;

    // Why the registrant may no longer cancel, or null when they may (already cancelled: nothing to refuse).
    public static string? RegistrantRefusal(EventEntity evt, RegistrationEntity reg, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(reg);
        if (reg.Status == RegistrationStatus.Cancelled)
        {
            return null;
        }
        if (reg.CheckedInAt is not null)
        {
            return "Votre présence a été enregistrée à l'accueil : l'inscription ne peut plus être annulée. Pour toute correction, écrivez aux organisateurs.";
        }
        return evt.HasBegun(now)
            ? "L'événement a commencé : l'inscription ne peut plus être annulée. Pour toute correction, écrivez aux organisateurs."
            : null;
    }

    // The registrant, through the signed manage link.
    public async Task<Result<RegistrationView>> CancelWithTokenAsync(string eventId, string registrationId, string? token, CancellationToken cancellationToken = default)
    {
        var check = await views.GetForManageAsync(eventId, registrationId, token, cancellationToken);
        return check.IsSuccess ? await CancelAsync(eventId, registrationId, byRegistrant: true, cancellationToken) : check;
    }

    // The staff, on someone's behalf (a correction: allowed after check-in and once the event has begun).
    public Task<Result<RegistrationView>> CancelAsync(string eventId, string registrationId, CancellationToken cancellationToken = default) =>
        CancelAsync(eventId, registrationId, byRegistrant: false, cancellationToken);

    private async Task<Result<RegistrationView>> CancelAsync(string eventId, string registrationId, bool byRegistrant, CancellationToken cancellationToken)
    {
        if (!EventRules.IsValidEventId(eventId) || !RegistrationStore.IsSafeId(registrationId))
        {
            return Result<RegistrationView>.NotFound("Cette inscription n'existe pas.");
        }
        var emailIds = new List<string>();
        using (await locks.LockAsync(eventId, cancellationToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                emailIds.Clear();
                var evt = await store.GetEventAsync(eventId, cancellationToken);
                var reg = evt is null ? null : await store.GetRegistrationAsync(eventId, registrationId, cancellationToken);
                if (evt is null || reg is null)
                {
                    return Result<RegistrationView>.NotFound("Cette inscription n'existe plus.");
                }
                if (reg.Status == RegistrationStatus.Cancelled)
                {
                    break;
                }
                var now = time.GetUtcNow();
                // Checked against the rows this transaction replaces under their ETags: a check-in in
                // between fails it (412) and the next attempt refuses.
                if (byRegistrant && RegistrantRefusal(evt, reg, now) is { } refusal)
                {
                    return Result<RegistrationView>.Conflict(refusal);
                }
                var actions = new List<TableTransactionAction>();
                if (reg.Status == RegistrationStatus.Waitlisted && reg.WaitSequence is { } seq)
                {
                    actions.Add(new(TableTransactionActionType.Delete, new TableEntity(eventId, RegistrationStore.WaitRowKey(seq)), ETag.All));
                    evt.Waiting--;
                }
                else
                {
                    evt.Confirmed--;
                }
                evt.Cancelled++;
                reg.Status = RegistrationStatus.Cancelled;
                reg.CancelledAt = now;
                reg.CalendarRevision++; // its METHOD:CANCEL .ics supersedes every file sent before
                actions.Add(new(TableTransactionActionType.UpdateReplace, reg, reg.ETag));
                // The address may register again later.
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(eventId, RegistrationStore.EmailRowKey(reg.Email)), ETag.All));
                if (!evt.HasBegun(now))
                {
                    var cancelledEmailId = $"reg-{reg.RegistrationId}-cancelled-{Guid.NewGuid():N}";
                    var marker = RegistrationStore.Marker(eventId, cancelledEmailId);
                    await outbox.PrepareAsync(emails.Cancelled(evt, reg), marker, cancelledEmailId, cancellationToken);
                    actions.Add(new(TableTransactionActionType.Add, marker.NewEntity()));
                    emailIds.Add(cancelledEmailId);
                    await promotion.AddPromotionsAsync(evt, actions, emailIds, cancellationToken, exclude: registrationId);
                }
                actions.Add(new(TableTransactionActionType.UpdateReplace, evt, evt.ETag));
                try
                {
                    await store.SubmitAsync(eventId, actions, cancellationToken);
                    logger.LogInformation("Cancelled {RegistrationId} for {EventId}; {Promoted} promoted", registrationId, eventId, Math.Max(0, emailIds.Count - 1));
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404 && attempt < MaxAttempts)
                {
                }
            }
        }
        await outbox.DispatchAsync(emailIds, cancellationToken);
        // More waitlisted people than one batch holds: the rest in further transactions.
        await promotion.PromoteAsync(eventId, cancellationToken);
        return await views.GetViewAsync(eventId, registrationId, cancellationToken);
    }
}
