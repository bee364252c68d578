using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

// Frees the seat (or the waitlist place) and, in the same transaction, promotes the head of the
// waitlist into every seat now free: a crash can never leave a free seat with people waiting.
public sealed class RegistrationCancellation(
    RegistrationStore store, EventLocks locks, WaitlistPromotion promotion, RegistrationViews views, EmailOutbox outbox, RegistrationEmails emails,
    TimeProvider time, ILogger<RegistrationCancellation> logger)
{
    private const int MaxAttempts = 100;

    // The registrant, through the signed manage link.
    public async Task<Result<RegistrationView>> CancelWithTokenAsync(string eventId, string registrationId, string? token, CancellationToken cancellationToken = default)
    {
        var check = await views.GetForManageAsync(eventId, registrationId, token, cancellationToken);
        return check.IsSuccess ? await CancelAsync(eventId, registrationId, cancellationToken) : check;
    }

    // The staff, on someone's behalf.
    public async Task<Result<RegistrationView>> CancelAsync(string eventId, string registrationId, CancellationToken cancellationToken = default)
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
                reg.CancelledAt = time.GetUtcNow();
                reg.CalendarRevision++; // its METHOD:CANCEL .ics supersedes every file sent before
                actions.Add(new(TableTransactionActionType.UpdateReplace, reg, reg.ETag));
                // The address may register again later.
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(eventId, RegistrationStore.EmailRowKey(reg.Email)), ETag.All));
                var cancelledEmailId = $"reg-{reg.RegistrationId}-cancelled-{Guid.NewGuid():N}";
                var marker = RegistrationStore.Marker(eventId, cancelledEmailId);
                await outbox.PrepareAsync(emails.Cancelled(evt, reg), marker, cancelledEmailId, cancellationToken);
                actions.Add(new(TableTransactionActionType.Add, marker.NewEntity()));
                emailIds.Add(cancelledEmailId);
                await promotion.AddPromotionsAsync(evt, actions, emailIds, cancellationToken, exclude: registrationId);
                actions.Add(new(TableTransactionActionType.UpdateReplace, evt, evt.ETag));
                try
                {
                    await store.SubmitAsync(eventId, actions, cancellationToken);
                    logger.LogInformation("Cancelled {RegistrationId} for {EventId}; {Promoted} promoted", registrationId, eventId, emailIds.Count - 1);
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
