using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Email;

namespace Microstructures.Core.Newsletter;

public enum MonthlyDecision
{
    // The month's send time (Paris) has not come.
    NotYet,

    // The month's issue started now (or its interrupted planning went on).
    Started,

    // The month's campaign was planned by an earlier run: nothing new.
    AlreadyDone,

    // No ready issue at the send time: the staff were alerted (now, or by an earlier run).
    NoReadyIssue,
}

public sealed record MonthlyRunReport(NewsletterMonth Month, DateTimeOffset SendAt, MonthlyDecision Decision, bool AlertSent, PlanReport? Plan, MonitorReport Monitor);

// What MonthlyNewsletterTimer calls on a frequent UTC schedule (every 15 minutes). Timer schedules are
// UTC, the send time is Paris time: the decision is made here, from the Paris month and the configured
// day and hour (SendSchedule, DST included).
// - Before the send time: nothing (but open campaigns are kept moving).
// - From the send time to the month's end: the month's ready issue is sent; a run that missed the
//   exact time (host down, deployment) catches up at its next run the same month.
// - No ready issue then: one alert e-mail to Newsletter__StaffAlertAddress (deterministic e-mail id and
//   an "alert" row: once per month); an issue marked ready later that month goes at the next run.
// - Once the campaign is planned (its PlannedAt), later runs that month send nothing new.
// A month never sends another month's issue: an issue whose month passed unsent stays a draft.
public sealed partial class MonthlyNewsletterRun(
    CampaignStore campaigns, IssueStore issues, CampaignPlanner planner, CampaignMonitor monitor, NewsletterEmails emails, EmailOutbox outbox,
    TimeProvider time, IOptions<NewsletterOptions> options, ILogger<MonthlyNewsletterRun> logger)
{
    public async Task<MonthlyRunReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var month = NewsletterMonth.Of(now);
        var sendAt = SendSchedule.SendTime(month, options.Value);
        var decision = MonthlyDecision.NotYet;
        var alerted = false;
        PlanReport? plan = null;
        if (now >= sendAt)
        {
            var campaign = await campaigns.GetCampaignAsync(month, cancellationToken);
            var issue = await issues.GetAsync(month, cancellationToken);
            if (campaign?.PlannedAt is not null)
            {
                decision = MonthlyDecision.AlreadyDone;
            }
            else if (campaign is null && issue?.StatusValue() is not (IssueStatus.Ready or IssueStatus.Sending))
            {
                decision = MonthlyDecision.NoReadyIssue;
                alerted = await AlertOnceAsync(month, issue?.StatusValue(), sendAt, cancellationToken);
            }
            else
            {
                plan = await planner.PlanAsync(month, cancellationToken);
                decision = plan.Outcome == PlanOutcome.NotReady ? MonthlyDecision.NoReadyIssue : MonthlyDecision.Started;
            }
        }
        var moved = await monitor.KeepMovingAsync(cancellationToken);
        if (decision is not MonthlyDecision.NotYet and not MonthlyDecision.AlreadyDone)
        {
            LogDecision(month.ToString(), decision, sendAt);
        }
        return new MonthlyRunReport(month, sendAt, decision, alerted, plan, moved);
    }

    // The e-mail first (its id is the month's: recording it twice sends it once), then the row that
    // stops later runs: a crash between the two re-records the same e-mail.
    private async Task<bool> AlertOnceAsync(NewsletterMonth month, IssueStatus? status, DateTimeOffset sendAt, CancellationToken cancellationToken)
    {
        if (await campaigns.HasAlertAsync(month, cancellationToken))
        {
            return false;
        }
        await outbox.SendAsync(emails.StaffAlert(month, status, sendAt), $"nl-alert-{month}", cancellationToken);
        await campaigns.TryAddAlertAsync(month, cancellationToken);
        return true;
    }

    [LoggerMessage(LogLevel.Information, "Newsletter {Month} (send time {SendAt}): {Decision}")]
    private partial void LogDecision(string month, MonthlyDecision decision, DateTimeOffset sendAt);
}
