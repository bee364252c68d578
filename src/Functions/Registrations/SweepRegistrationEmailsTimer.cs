using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// Every 15 minutes: relays the first e-mails of recent registrations whose relay message was lost.
public sealed partial class SweepRegistrationEmailsTimer(RegistrationEmailRelay relay, ILogger<SweepRegistrationEmailsTimer> logger)
{
    [Function("SweepRegistrationEmails")]
    public async Task RunAsync([TimerTrigger("0 */15 * * * *", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        LogSwept(timer.IsPastDue, await relay.SweepAsync(cancellationToken));
    }

    [LoggerMessage(LogLevel.Information, "Registration e-mail sweep (past due: {PastDue}): {Relayed} relayed")]
    private partial void LogSwept(bool pastDue, int relayed);
}
