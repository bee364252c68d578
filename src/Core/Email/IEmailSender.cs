namespace Microstructures.Core.Email;

public enum EmailSendStatus
{
    Accepted,

    // Worth trying again later: 429, 5xx, network failure.
    Transient,

    // The provider refused this message for good (4xx): retrying would fail the same way.
    Permanent,
}

public sealed record EmailSendResult(EmailSendStatus Status, string? ProviderMessageId = null, int? HttpStatus = null, string? Detail = null);

// The one seam to the e-mail provider. The emailId travels with the message (custom_args) so the
// provider's event webhook can settle an e-mail whose outcome the app did not get to record.
public interface IEmailSender
{
    Task<EmailSendResult> SendAsync(string emailId, EmailMessage message, CancellationToken cancellationToken = default);

    // One provider call for up to EmailBatch.MaxRecipients recipients; accepted or refused as a whole.
    // Each recipient's custom args identify it in the webhook's events (no email_id: the caller keeps its own log).
    Task<EmailSendResult> SendBatchAsync(EmailBatch batch, CancellationToken cancellationToken = default);
}
