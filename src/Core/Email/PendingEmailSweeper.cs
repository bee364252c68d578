using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microstructures.Core.Email;

public sealed record SweepReport(int Queued, int Cleared, int Abandoned, int Purged);

// Runs on a timer. Queues again every pending e-mail whose queue message was lost (crash between
// the business write and the dispatch, poisoned after provider outages, a crash while sending),
// and purges settled e-mails past their retention. Safe to run twice: queuing an e-mail twice
// only ever sends it once (EmailDispatcher's claim).
public sealed class PendingEmailSweeper(EmailStore store, EmailOutbox outbox, TimeProvider time, IOptions<EmailOptions> options, IOptions<SendGridOptions> sendGrid, ILogger<PendingEmailSweeper> logger)
{
    public async Task<SweepReport> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var grace = options.Value.SweepGrace;
        int queued = 0, cleared = 0, abandoned = 0;
        foreach (var row in await store.ListPendingAsync(cancellationToken))
        {
            var lastTouched = row.GetDateTimeOffset("LastQueuedAt") ?? row.GetDateTimeOffset("CreatedAt") ?? row.Timestamp ?? now;
            if (now - lastTouched < grace)
            {
                continue;
            }
            var record = await store.GetAsync(row.RowKey, cancellationToken);
            if (record is null)
            {
                await store.DeletePendingAsync(row.RowKey, cancellationToken);
                cleared++;
                continue;
            }
            if (EmailStatus.IsSettled(record.Status))
            {
                // Settled but still pending: a settle interrupted before its pending delete. Index it as
                // settled too (the index write may be what failed), or retention would never purge it.
                await store.MarkSettledAsync(record.EmailId, record.SettledAt, cancellationToken);
                cleared++;
                continue;
            }
            if (record.Status == EmailStatus.Sending && now - record.SendingStartedAt < options.Value.ReconcileDelay)
            {
                continue;
            }
            if (!await store.MarkerExistsAsync(record, cancellationToken))
            {
                // The business write never committed within ten grace periods: nothing happened, nothing to say.
                if (now - record.CreatedAt > grace * 10)
                {
                    record.Status = EmailStatus.Abandoned;
                    record.SettledAt = now;
                    await store.SettleAsync(record, cancellationToken);
                    abandoned++;
                }
                continue;
            }
            await outbox.DispatchAsync(record.EmailId, cancellationToken);
            await store.TouchPendingAsync(row, cancellationToken);
            queued++;
        }
        var purged = await store.PurgeSettledBeforeAsync(now.AddDays(-options.Value.RetentionDays), cancellationToken);
        // A day more than the webhook accepts: whole days are dropped.
        await store.PurgeProviderEventsBeforeAsync(now - sendGrid.Value.WebhookMaxAge - TimeSpan.FromDays(1), cancellationToken);
        if (queued + cleared + abandoned + purged > 0)
        {
            logger.LogInformation("E-mail sweep: {Queued} queued again, {Cleared} cleared, {Abandoned} abandoned, {Purged} purged", queued, cleared, abandoned, purged);
        }
        return new SweepReport(queued, cleared, abandoned, purged);
    }
}
