using Microstructures.Core.Email;

namespace Microstructures.Functions.Email;

// Every two minutes: queue again e-mails whose queue message was lost, purge expired ones.
public sealed partial class SweepPendingEmailsTimer(PendingEmailSweeper sweeper, ILogger<SweepPendingEmailsTimer> logger)
{
    [Function("SweepPendingEmails")]
    public async Task RunAsync([TimerTrigger("0 */2 * * * *", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var report = await sweeper.SweepAsync(cancellationToken);
        LogSwept(timer.IsPastDue, report.Queued, report.Cleared, report.Abandoned, report.Purged);
    }

    [LoggerMessage(LogLevel.Information, "E-mail sweep (past due: {PastDue}): {Queued} queued, {Cleared} cleared, {Abandoned} abandoned, {Purged} purged")]
    private partial void LogSwept(bool pastDue, int queued, int cleared, int abandoned, int purged);
}
