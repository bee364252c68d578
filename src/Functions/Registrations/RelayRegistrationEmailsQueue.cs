using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// The first e-mail of each new registration (RegistrationEmailRelay explains why it is relayed):
// records and queues the e-mails of one committed batch, asks again later for rows not committed yet.
// Safe to run twice: e-mail ids are deterministic and SendEmail sends each once. A message it cannot
// read throws, so the host retries it and then poisons it.
public sealed partial class RelayRegistrationEmailsQueue(RegistrationEmailRelay relay, ILogger<RelayRegistrationEmailsQueue> logger)
{
    [Function("RelayRegistrationEmails")]
    public async Task RunAsync([QueueTrigger(RegistrationEmailRelay.QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
    {
        var relayMessage = RegistrationEmailRelay.Parse(message)
            ?? throw new FormatException("The registration-emails message is not {\"eventId\", \"registrationIds\": [...], \"attempt\"}.");
        var report = await relay.RelayAsync(relayMessage, cancellationToken);
        LogRelayed(relayMessage.EventId, relayMessage.Attempt, report.Relayed, report.NotYetCommitted, report.GivenUp);
    }

    [LoggerMessage(LogLevel.Information, "Registration e-mails for {EventId} (attempt {Attempt}): {Relayed} relayed, {NotYetCommitted} asked again later, {GivenUp} never committed")]
    private partial void LogRelayed(string eventId, int attempt, int relayed, int notYetCommitted, int givenUp);
}
