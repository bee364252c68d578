using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microstructures.Core.Newsletter;

public enum PlanOutcome
{
    Planned,
    AlreadyPlanned,

    // The issue is not ready (any more): nothing started.
    NotReady,

    // Another planner wrote a different batch at the same place: it carries on (or the monitor resumes it).
    PlannedElsewhere,
}

public sealed record PlanReport(PlanOutcome Outcome, int Batches, int Recipients);

// Starts the month's campaign and cuts the active, unsuppressed subscribers into batches of BatchSize,
// in id order. Resumable at every step, and never puts a subscriber in two batches:
// 1. The issue goes Ready → Sending (ETag): locked, in the archive.
// 2. The campaign row is added (a second planner finds it).
// 3. The issue is frozen as sent (the snapshot blob, rewritten identically on a resume).
// 4. Per batch, from the last batch written: its delivery rows (insert only), then its batch row,
//    which fixes its id range (After, Last], then its queue message. A crash before the batch row
//    leaves delivery rows the next attempt finds (insert-only: an existing row is kept as it is) or,
//    if the list changed meanwhile, rows past the range that no batch reads. Each range starts where
//    the previous one ended: ranges never overlap, so nobody is in two batches, and nobody active at
//    planning time is left between two.
// 5. PlannedAt on the campaign: the month's "done" record.
public sealed partial class CampaignPlanner(
    IssueStore issues, CampaignStore campaigns, SubscriberStore subscribers, SuppressionStore suppressions, IssueComposer composer,
    TimeProvider time, IOptions<NewsletterOptions> options, ILogger<CampaignPlanner> logger)
{
    public async Task<PlanReport> PlanAsync(NewsletterMonth month, CancellationToken cancellationToken = default)
    {
        var issue = await LockIssueAsync(month, cancellationToken);
        if (issue is null)
        {
            return new PlanReport(PlanOutcome.NotReady, 0, 0);
        }
        var campaign = await campaigns.GetCampaignAsync(month, cancellationToken);
        if (campaign is null)
        {
            campaign = new CampaignEntity { PartitionKey = month.ToString(), Subject = issue.Subject, CreatedAt = time.GetUtcNow() };
            if (!await campaigns.TryAddAsync(campaign, cancellationToken))
            {
                campaign = await campaigns.GetCampaignAsync(month, cancellationToken) ?? throw new InvalidOperationException($"Campaign {month} vanished.");
            }
        }
        if (campaign.PlannedAt is not null)
        {
            return new PlanReport(PlanOutcome.AlreadyPlanned, campaign.Batches, 0);
        }

        var composed = composer.ForEmail(month, issue.Subject, await issues.ReadBodyAsync(issue, cancellationToken), IssueRenderer.UnsubscribePlaceholder);
        await campaigns.WriteSnapshotAsync(month, new CampaignSnapshot(composed.Subject, composed.Html, composed.Text), cancellationToken);

        var batches = await campaigns.ListBatchesAsync(month, cancellationToken);
        var number = batches.Count;
        var cursor = batches.Count > 0 ? batches[^1].Last : "";
        var recipients = batches.Sum(b => b.Recipients);
        var suppressed = await suppressions.ListRangeAsync(cursor, null, cancellationToken);
        var buffer = new List<string>(options.Value.BatchSize);
        await foreach (var subscriberId in subscribers.ListActiveIdsAfterAsync(cursor, cancellationToken))
        {
            if (suppressed.Contains(subscriberId))
            {
                continue;
            }
            buffer.Add(subscriberId);
            if (buffer.Count == options.Value.BatchSize)
            {
                if (!await CommitBatchAsync(month, number, cursor, buffer, cancellationToken))
                {
                    return new PlanReport(PlanOutcome.PlannedElsewhere, number, recipients);
                }
                (cursor, number, recipients) = (buffer[^1], number + 1, recipients + buffer.Count);
                buffer.Clear();
            }
        }
        if (buffer.Count > 0)
        {
            if (!await CommitBatchAsync(month, number, cursor, buffer, cancellationToken))
            {
                return new PlanReport(PlanOutcome.PlannedElsewhere, number, recipients);
            }
            (number, recipients) = (number + 1, recipients + buffer.Count);
        }

        campaign.Status = nameof(CampaignStatus.Sending);
        campaign.PlannedAt = time.GetUtcNow();
        campaign.Batches = number;
        if (!await campaigns.TryUpdateAsync(campaign, cancellationToken))
        {
            return new PlanReport(PlanOutcome.AlreadyPlanned, number, recipients);
        }
        LogPlanned(month.ToString(), recipients, number);
        return new PlanReport(PlanOutcome.Planned, number, recipients);
    }

    // The issue, locked for sending (Ready → Sending); null when it is not ready.
    private async Task<IssueEntity?> LockIssueAsync(NewsletterMonth month, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var issue = await issues.GetAsync(month, cancellationToken);
            switch (issue?.StatusValue())
            {
                case IssueStatus.Sending or IssueStatus.Sent:
                    return issue;
                case IssueStatus.Ready:
                    issue!.Status = nameof(IssueStatus.Sending);
                    issue.SendingAt = time.GetUtcNow();
                    if (await issues.TryUpdateAsync(issue, cancellationToken))
                    {
                        return issue;
                    }
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    private async Task<bool> CommitBatchAsync(NewsletterMonth month, int number, string after, List<string> ids, CancellationToken cancellationToken)
    {
        var partition = CampaignStore.DeliveryPartition(month, number);
        await campaigns.AddDeliveriesAsync(ids.Select(id => new DeliveryEntity { PartitionKey = partition, RowKey = id }).ToList(), cancellationToken);
        var now = time.GetUtcNow();
        var batch = new BatchEntity
        {
            PartitionKey = month.ToString(),
            RowKey = CampaignStore.BatchRowKey(number),
            Number = number,
            After = after,
            Last = ids[^1],
            Recipients = ids.Count,
            CreatedAt = now,
            LastActivityAt = now,
        };
        if (!await campaigns.TryAddAsync(batch, cancellationToken))
        {
            var existing = await campaigns.GetBatchAsync(month, number, cancellationToken);
            if (existing is null || existing.After != after || existing.Last != batch.Last)
            {
                return false;
            }
        }
        await campaigns.QueueBatchAsync(month, number, cancellationToken);
        return true;
    }

    [LoggerMessage(LogLevel.Information, "Newsletter campaign {Month} planned: {Recipients} recipients in {Batches} batches")]
    private partial void LogPlanned(string month, int recipients, int batches);
}
