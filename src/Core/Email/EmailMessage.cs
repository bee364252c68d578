namespace Microstructures.Core.Email;

public sealed record EmailAttachment(string FileName, string ContentType, byte[] Content)
{
    // Set for inline images referenced from the HTML as cid:<ContentId>.
    public string? ContentId { get; init; }
}

// One e-mail to one recipient. Bodies never carry a patient pseudonym or a clinical category
// (the provider is outside France and not certified for health data): counts, amounts and links only.
public sealed record EmailMessage
{
    public required string To { get; init; }
    public string? ToName { get; init; }
    public required string Subject { get; init; }
    public required string Html { get; init; }
    public required string Text { get; init; }
    public string? ReplyTo { get; init; }

    // What kind of e-mail this is (confirmation, reminder, newsletter...): shown in logs and the provider's categories.
    public string Category { get; init; } = "general";
    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
