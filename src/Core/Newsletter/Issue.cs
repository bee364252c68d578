using Azure;
using Azure.Data.Tables;

namespace Microstructures.Core.Newsletter;

public enum IssueStatus
{
    Draft,

    // Checked and waiting for its month's send time.
    Ready,

    // Its campaign started: locked, in the archive.
    Sending,
    Sent,
}

// Key design, table "newsletterissues": PK "issue", RK = month (yyyy-MM): one issue per month, listed
// in month order. The Markdown body is a blob (container "newsletter-issues", content-addressed
// "bodies/<sha256>.md"): an edit writes a new blob, then switches the row to it with its ETag.
public sealed class IssueEntity : ITableEntity
{
    public string PartitionKey { get; set; } = IssueStore.Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Month => RowKey;
    public string Subject { get; set; } = "";
    public string Status { get; set; } = nameof(IssueStatus.Draft);
    public string BodyBlob { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ReadyAt { get; set; }
    public DateTimeOffset? SendingAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    public IssueStatus StatusValue() => Enum.Parse<IssueStatus>(Status);
}

public sealed record IssueInput(string? Subject, string? Body);

public sealed record Issue(NewsletterMonth Month, string Subject, string Body, IssueStatus Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ReadyAt, DateTimeOffset? SendingAt, DateTimeOffset? SentAt);

public sealed record IssueSummary(NewsletterMonth Month, string Subject, IssueStatus Status, DateTimeOffset UpdatedAt, DateTimeOffset? SentAt);

// Preview of an issue as its subscribers get it (with a sample unsubscribe link), and what would stop it being marked ready.
// PageHtml: the body without style attributes, for the staff page (its Content-Security-Policy refuses them).
public sealed record IssuePreview(string Subject, string Html, string Text, IReadOnlyList<string> Problems, string PageHtml = "");
