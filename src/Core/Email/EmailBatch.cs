namespace Microstructures.Core.Email;

// One message to many recipients in one provider call (SendGrid personalizations): the same subject
// and bodies for all, with what differs per recipient (an unsubscribe link, ids) in substitutions,
// headers and custom args. Used by the newsletter's fan-out; everything else sends EmailMessage.
public sealed record EmailBatch
{
    // SendGrid's limit of personalizations per request.
    public const int MaxRecipients = 1000;

    public required string Subject { get; init; }
    public required string Html { get; init; }
    public required string Text { get; init; }
    public string Category { get; init; } = "general";

    // The same for every recipient.
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> CustomArgs { get; init; } = new Dictionary<string, string>();

    // At most MaxRecipients, each address once (compared without case, as the provider does).
    public required IReadOnlyList<EmailBatchRecipient> Recipients { get; init; }
}

public sealed record EmailBatchRecipient
{
    public required string To { get; init; }

    // Literal text in the subject and bodies replaced by this recipient's value (e.g. its unsubscribe link).
    public IReadOnlyDictionary<string, string> Substitutions { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    // Come back in the provider's Event Webhook events for this recipient (ProviderEvent.Arg).
    public IReadOnlyDictionary<string, string> CustomArgs { get; init; } = new Dictionary<string, string>();
}
