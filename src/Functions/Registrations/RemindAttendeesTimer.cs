using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// Hourly (UTC): reminders 7 days and 1 day before each event, decided in Paris time; each sent once.
public sealed partial class RemindAttendeesTimer(AttendeeReminders reminders, ILogger<RemindAttendeesTimer> logger)
{
    [Function("RemindAttendees")]
    public async Task RunAsync([TimerTrigger("0 5 * * * *", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var report = await reminders.RunAsync(cancellationToken);
        LogReminded(timer.IsPastDue, report.Events, report.Sent, report.Promoted);
    }

    [LoggerMessage(LogLevel.Information, "Reminders (past due: {PastDue}): {Events} upcoming events, {Sent} sent, {Promoted} promoted")]
    private partial void LogReminded(bool pastDue, int events, int sent, int promoted);
}
