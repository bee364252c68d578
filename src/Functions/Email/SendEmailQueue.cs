using Microstructures.Core.Email;

namespace Microstructures.Functions.Email;

// Queue outbound-email -> one e-mail through the provider. Safe to run twice for one message; a
// message it cannot read throws, so the host retries it and then moves it to outbound-email-poison.
public sealed partial class SendEmailQueue(EmailDispatcher dispatcher, ILogger<SendEmailQueue> logger)
{
    [Function("SendEmail")]
    public async Task RunAsync([QueueTrigger(EmailOutbox.QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
    {
        var emailId = EmailOutbox.ParseQueueMessage(message)?.EmailId
            ?? throw new FormatException("The outbound-email message is not {\"emailId\": \"...\"}.");
        LogDelivered(emailId, await dispatcher.DeliverAsync(emailId, cancellationToken));
    }

    [LoggerMessage(LogLevel.Information, "E-mail {EmailId}: {Outcome}")]
    private partial void LogDelivered(string emailId, DeliveryOutcome outcome);
}
