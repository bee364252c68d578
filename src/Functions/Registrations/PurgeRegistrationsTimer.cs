using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// Daily at 03:30 UTC: erase accessibility needs of ended events, purge registrants past retention.
public sealed partial class PurgeRegistrationsTimer(RegistrationPurge purge, ILogger<PurgeRegistrationsTimer> logger)
{
    [Function("PurgeRegistrations")]
    public async Task RunAsync([TimerTrigger("0 30 3 * * *", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var report = await purge.RunAsync(cancellationToken);
        LogPurged(timer.IsPastDue, report.NeedsErased, report.EventsPurged, report.RowsDeleted);
    }

    [LoggerMessage(LogLevel.Information, "Retention (past due: {PastDue}): {NeedsErased} accessibility answers erased, {EventsPurged} events purged, {RowsDeleted} rows deleted")]
    private partial void LogPurged(bool pastDue, int needsErased, int eventsPurged, int rowsDeleted);
}
