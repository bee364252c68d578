using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// Every 15 minutes: relays the first e-mails of recent registrations whose relay message was lost, and
// records the e-mails an event's change or cancellation still owes (its save stopped before the end).
public sealed partial class SweepRegistrationEmailsTimer(RegistrationEmailRelay relay, EventChangeNotices notices, ILogger<SweepRegistrationEmailsTimer> logger)
{
    [Function("SweepRegistrationEmails")]
    public async Task RunAsync([TimerTrigger("0 */15 * * * *", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var relayed = await relay.SweepAsync(cancellationToken);
        LogSwept(timer.IsPastDue, relayed, await notices.SweepAsync(cancellationToken));
    }

    [LoggerMessage(LogLevel.Information, "Registration e-mail sweep (past due: {PastDue}): {Relayed} relayed, {Owed} owed event-change e-mails recorded")]
    private partial void LogSwept(bool pastDue, int relayed, int owed);
}
