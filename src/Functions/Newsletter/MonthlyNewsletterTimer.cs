using Microstructures.Core.Newsletter;

namespace Microstructures.Functions.Newsletter;

// Every 15 minutes (UTC): the send time is "first Tuesday at 09:00 in Paris" (Newsletter__SendDay,
// __SendHour), which no UTC schedule can say across DST; MonthlyNewsletterRun decides in Paris time
// and keeps a "month done" record, so a missed run catches up and a second run sends nothing new.
public sealed partial class MonthlyNewsletterTimer(MonthlyNewsletterRun run, ILogger<MonthlyNewsletterTimer> logger)
{
    [Function("MonthlyNewsletterTimer")]
    public async Task RunAsync([TimerTrigger("0 */15 * * * *", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var report = await run.RunAsync(cancellationToken);
        LogRun(report.Month.ToString(), report.Decision, report.Plan?.Recipients ?? 0, report.Plan?.Batches ?? 0, report.Monitor.BatchesRequeued);
    }

    [LoggerMessage(LogLevel.Information, "Monthly newsletter {Month}: {Decision} ({Recipients} recipients in {Batches} batches planned now, {Requeued} batches queued again)")]
    private partial void LogRun(string month, MonthlyDecision decision, int recipients, int batches, int requeued);
}
