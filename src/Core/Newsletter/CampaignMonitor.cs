using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microstructures.Core.Newsletter;

public sealed record MonitorReport(int PlansResumed, int BatchesRequeued, int CampaignsCompleted);

// Keeps open campaigns moving (the monthly run calls it every time) and tells the staff where a send is:
// - a campaign whose planning stopped (a crash) is planned on from its last batch;
// - a batch not done and idle for BatchRetryAfter is queued again (its message was lost or poisoned
//   after provider errors, or its deliveries wait for ReconcileDelay to pass): queuing a batch twice
//   sends nobody twice (the delivery rows' claims);
// - a campaign whose batches are all done is complete: the issue is Sent, then the campaign.
public sealed partial class CampaignMonitor(
    CampaignStore campaigns, IssueStore issues, CampaignPlanner planner, TimeProvider time, IOptions<NewsletterOptions> options, ILogger<CampaignMonitor> logger)
{
    public async Task<MonitorReport> KeepMovingAsync(CancellationToken cancellationToken = default)
    {
        int resumed = 0, requeued = 0, completed = 0;
        foreach (var campaign in await campaigns.ListOpenCampaignsAsync(cancellationToken))
        {
            var month = NewsletterMonth.Parse(campaign.PartitionKey);
            if (campaign.PlannedAt is null)
            {
                // The timer never overlaps itself: a campaign still planning here was left by a crash.
                if ((await planner.PlanAsync(month, cancellationToken)).Outcome == PlanOutcome.Planned)
                {
                    resumed++;
                }
            }
            var now = time.GetUtcNow();
            foreach (var batch in await campaigns.ListBatchesAsync(month, cancellationToken))
            {
                if (!batch.Done && now - batch.LastActivityAt >= options.Value.BatchRetryAfter)
                {
                    await campaigns.QueueBatchAsync(month, batch.Number, cancellationToken);
                    await campaigns.TouchBatchAsync(month, batch.Number, cancellationToken);
                    requeued++;
                }
            }
            if (await TryCompleteAsync(month, cancellationToken))
            {
                completed++;
            }
        }
        if (resumed + requeued + completed > 0)
        {
            LogMoved(resumed, requeued, completed);
        }
        return new MonitorReport(resumed, requeued, completed);
    }

    // True when this call completed the campaign.
    public async Task<bool> TryCompleteAsync(NewsletterMonth month, CancellationToken cancellationToken = default)
    {
        var campaign = await campaigns.GetCampaignAsync(month, cancellationToken);
        if (campaign is not { PlannedAt: not null } || campaign.StatusValue() == CampaignStatus.Sent)
        {
            return false;
        }
        var batches = await campaigns.ListBatchesAsync(month, cancellationToken);
        if (batches.Count < campaign.Batches || batches.Any(b => !b.Done))
        {
            return false;
        }
        var now = time.GetUtcNow();
        // The issue first: a crash before the campaign row leaves the campaign open, and the next pass finishes it.
        if (await issues.GetAsync(month, cancellationToken) is { } issue && issue.StatusValue() != IssueStatus.Sent)
        {
            issue.Status = nameof(IssueStatus.Sent);
            issue.SentAt = now;
            await issues.TryUpdateAsync(issue, cancellationToken);
        }
        campaign.Status = nameof(CampaignStatus.Sent);
        campaign.CompletedAt = now;
        if (!await campaigns.TryUpdateAsync(campaign, cancellationToken))
        {
            return false;
        }
        LogCompleted(month.ToString(), batches.Sum(b => b.Sent), batches.Sum(b => b.Failed), batches.Sum(b => b.Skipped));
        return true;
    }

    // What the staff page shows while a send runs (and after). Null: no campaign for that month.
    public async Task<CampaignProgress?> GetProgressAsync(NewsletterMonth month, CancellationToken cancellationToken = default)
    {
        if (await campaigns.GetCampaignAsync(month, cancellationToken) is not { } campaign)
        {
            return null;
        }
        var batches = await campaigns.ListBatchesAsync(month, cancellationToken);
        int recipients = batches.Sum(b => b.Recipients), sent = batches.Sum(b => b.Sent), failed = batches.Sum(b => b.Failed), skipped = batches.Sum(b => b.Skipped);
        return new CampaignProgress(month, campaign.StatusValue(), campaign.Subject, recipients, sent, recipients - sent - failed - skipped, failed, skipped,
            batches.Count, batches.Count(b => b.Done), campaign.CreatedAt, campaign.PlannedAt, campaign.CompletedAt);
    }

    [LoggerMessage(LogLevel.Information, "Newsletter campaigns: {Resumed} plans resumed, {Requeued} batches queued again, {Completed} campaigns completed")]
    private partial void LogMoved(int resumed, int requeued, int completed);

    [LoggerMessage(LogLevel.Information, "Newsletter campaign {Month} complete: {Sent} sent, {Failed} failed, {Skipped} skipped")]
    private partial void LogCompleted(string month, int sent, int failed, int skipped);
}
