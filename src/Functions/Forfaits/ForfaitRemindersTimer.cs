using Microstructures.Core.Forfaits;

namespace Microstructures.Functions.Forfaits;

// Daily at 06:00 UTC (07:00 or 08:00 in Paris, before the teams' day): every forfait reminder due on or
// before today's Paris date, one digest per microstructure and one escalation per network. Retry-safe
// (ForfaitReminderRun): a retry, a second run, a missed day caught up or two hosts at once handle each
// reminder once. A failure reaches the host; the next run takes up what is still due.
public sealed partial class ForfaitRemindersTimer(ForfaitReminderRun run, ILogger<ForfaitRemindersTimer> logger)
{
    [Function("ForfaitRemindersTimer")]
    public async Task RunAsync([TimerTrigger("0 0 6 * * *", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var report = await run.RunAsync(cancellationToken);
        LogRun(timer.IsPastDue, report.RunDate, report.Sent, report.Skipped.Values.Sum(), report.EmailsQueued);
    }

    [LoggerMessage(LogLevel.Information, "Forfait reminders (past due: {PastDue}) of {RunDate}: {Sent} sent, {Skipped} skipped, {Emails} e-mails queued")]
    private partial void LogRun(bool pastDue, DateOnly runDate, int sent, int skipped, int emails);
}
