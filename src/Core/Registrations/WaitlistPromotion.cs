using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

// Fills free seats from the waitlist, first come first served (the lowest "wait-" row first), each
// promotion in the same transaction as the event row's counters and the commit marker of its e-mail.
// Never once the event has begun: a seat freed then cannot be used, and "a place is yours" would send
// someone to an event already under way.
public sealed class WaitlistPromotion(RegistrationStore store, EventLocks locks, EmailOutbox outbox, RegistrationEmails emails, TimeProvider time, ILogger<WaitlistPromotion> logger)
{
    private const int MaxAttempts = 100;
    private const int MaxPromotionsPerBatch = 25;

    // Safe to call any time (after a capacity raise, from a timer as a catch-up): it does nothing when
    // no seat is free.
    public async Task<int> PromoteAsync(string eventId, CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            var emailIds = new List<string>();
            using (await locks.LockAsync(eventId, cancellationToken))
            {
                for (var attempt = 1; ; attempt++)
                {
                    emailIds.Clear();
                    var evt = await store.GetEventAsync(eventId, cancellationToken);
                    if (evt is null || evt.SeatsLeft == 0 || evt.Waiting == 0)
                    {
                        break;
                    }
                    var actions = new List<TableTransactionAction>();
                    await AddPromotionsAsync(evt, actions, emailIds, cancellationToken);
                    if (actions.Count == 0)
                    {
                        break;
                    }
                    actions.Add(new(TableTransactionActionType.UpdateReplace, evt, evt.ETag));
                    try
                    {
                        await store.SubmitAsync(eventId, actions, cancellationToken);
                        break;
                    }
                    catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404 && attempt < MaxAttempts)
                    {
                        emailIds.Clear();
                    }
                }
            }
            if (emailIds.Count == 0)
            {
                return total;
            }
            await outbox.DispatchAsync(emailIds, cancellationToken);
            total += emailIds.Count;
            logger.LogInformation("Promoted {Count} waitlisted registrations for {EventId}", emailIds.Count, eventId);
        }
    }

    // Adds to the caller's transaction the promotions of up to MaxPromotionsPerBatch people into the free
    // seats of evt (its counters updated), each with its e-mail prepared. The caller holds the event's
    // lock and adds the event row. exclude: a waitlisted registration being cancelled in the same batch
    // (its wait row is already in the batch; an entity may appear only once in a transaction).
    internal async Task AddPromotionsAsync(EventEntity evt, List<TableTransactionAction> actions, List<string> emailIds, CancellationToken cancellationToken, string? exclude = null)
    {
        var free = Math.Min(evt.SeatsLeft, MaxPromotionsPerBatch);
        if (free <= 0 || evt.Waiting <= 0 || evt.HasBegun(time.GetUtcNow()))
        {
            return;
        }
        var promoted = 0;
        foreach (var (rowKey, registrationId) in await store.ListWaitingAsync(evt.EventId, free + 1, cancellationToken))
        {
            if (registrationId == exclude)
            {
                continue;
            }
            if (promoted++ == free)
            {
                break;
            }
            var next = await store.GetRegistrationAsync(evt.EventId, registrationId, cancellationToken);
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(evt.EventId, rowKey), ETag.All));
            evt.Waiting--;
            if (next is null || next.Status != RegistrationStatus.Waitlisted)
            {
                continue; // a stray index row: dropped, nobody to promote
            }
            next.Status = RegistrationStatus.Confirmed;
            next.ConfirmedAt = time.GetUtcNow();
            evt.Confirmed++;
            actions.Add(new(TableTransactionActionType.UpdateReplace, next, next.ETag));
            // A fresh id per attempt: an attempt that loses its race leaves a marker-less, abandoned e-mail.
            var emailId = $"reg-{next.RegistrationId}-promotion-{Guid.NewGuid():N}";
            await outbox.PrepareAsync(emails.Confirmation(evt, next, promoted: true), RegistrationStore.Marker(evt.EventId, emailId), emailId, cancellationToken);
            actions.Add(new(TableTransactionActionType.Add, RegistrationStore.Marker(evt.EventId, emailId).NewEntity()));
            emailIds.Add(emailId);
        }
    }
}
