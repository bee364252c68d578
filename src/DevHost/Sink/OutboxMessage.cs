namespace Microstructures.DevHost.Sink;

internal sealed record MailAddress(string Email, string? Name);

internal sealed record OutboxAttachment(string Filename, string? Type, string? Disposition, string? ContentId, string Content);

// One stored e-mail: a SendGrid request expanded to one message per personalization.
internal sealed record OutboxMessage
{
    public required string Id { get; init; }

    public required string SgMessageId { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required MailAddress From { get; init; }

    public MailAddress? ReplyTo { get; init; }

    public required IReadOnlyList<MailAddress> To { get; init; }

    public IReadOnlyList<MailAddress> Cc { get; init; } = [];

    public IReadOnlyList<MailAddress> Bcc { get; init; } = [];

    public required string Subject { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> CustomArgs { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Categories { get; init; } = [];

    public long? SendAt { get; init; }

    public string? Html { get; init; }

    public string? Text { get; init; }

    public IReadOnlyList<OutboxAttachment> Attachments { get; init; } = [];
}
