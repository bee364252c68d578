using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Microstructures.Core.Newsletter;

public enum CampaignStatus
{
    // Cutting the active subscribers into batches (resumable from the last batch written).
    Planning,
    Sending,
    Sent,
}

public enum DeliveryStatus
{
    Planned,

    // Claimed for a provider call: sent, or in the unknown window until settled or ReconcileDelay passes.
    Sending,
    Sent,

    // Refused by the provider for good, or too many transient failures.
    Failed,

    // Not active or suppressed any more at send time.
    Skipped,
}

// Key design, table "newslettercampaigns", one partition per month (PK = yyyy-MM):
// - RK "campaign": the campaign of the month's issue; its PlannedAt is the "month done" record (a second
//   run the same month finds it and sends nothing new);
// - RK "batch|0000"…: one per batch of up to BatchSize subscribers, holding the id range it covers
//   ((After, Last], subscriber ids in order) and its counts; Done once none of its deliveries is open;
// - RK "alert": the staff were told that no issue was ready.
public sealed class CampaignEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = CampaignStore.CampaignRowKey;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Status { get; set; } = nameof(CampaignStatus.Planning);
    public string Subject { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PlannedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public int Batches { get; set; }

    public CampaignStatus StatusValue() => Enum.Parse<CampaignStatus>(Status);
}

public sealed class BatchEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Number { get; set; }

    // The subscriber ids of this batch: after After (exclusive, "" for the first), up to Last (inclusive).
    public string After { get; set; } = "";
    public string Last { get; set; } = "";
    public int Recipients { get; set; }
    public int Sent { get; set; }
    public int Failed { get; set; }
    public int Skipped { get; set; }
    public bool Done { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    // Claims, settles and queuings: a batch idle for BatchRetryAfter while not done is queued again.
    public DateTimeOffset LastActivityAt { get; set; }
}

// Key design, table "newsletterdeliveries": PK = "<month>|<batch>" (one partition per batch, so its
// claims and settles go in transactions of 100), RK = subscriber id. The per-recipient log: written
// Planned when the batch is cut, claimed (Sending, ETag-checked) before the provider call, settled after.
// Holds no address: erasure does not need to touch it.
public sealed class DeliveryEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string SubscriberId => RowKey;
    public string Status { get; set; } = nameof(DeliveryStatus.Planned);
    public int Attempts { get; set; }
    public DateTimeOffset? SendingStartedAt { get; set; }
    public DateTimeOffset? SettledAt { get; set; }
    public string? ProviderMessageId { get; set; }
    public string? LastError { get; set; }

    public DeliveryStatus StatusValue() => Enum.Parse<DeliveryStatus>(Status);
}

// The queue message of newsletter-batches: ids only.
public sealed record NewsletterBatchMessage(string Month, int Batch);

// What the staff see while a campaign runs. Pending = planned or being sent.
public sealed record CampaignProgress(
    NewsletterMonth Month, CampaignStatus Status, string Subject, int Recipients, int Sent, int Pending, int Failed, int Skipped,
    int Batches, int BatchesDone, DateTimeOffset StartedAt, DateTimeOffset? PlannedAt, DateTimeOffset? CompletedAt);

// The issue as sent, frozen when the campaign starts (blob "campaigns/<month>.json"): every batch sends
// the same text. Html and Text hold IssueRenderer.UnsubscribePlaceholder where each recipient's link goes.
public sealed record CampaignSnapshot(string Subject, string Html, string Text);

// A recipient's delivery as the provider's events name it (custom arg nl_delivery "<month>.<batch>.<id>").
public readonly record struct DeliveryKey(NewsletterMonth Month, int Batch, string SubscriberId)
{
    public string Partition => CampaignStore.DeliveryPartition(Month, Batch);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Month}.{Batch:D4}.{SubscriberId}");

    public static bool TryParse(string? text, out DeliveryKey key)
    {
        key = default;
        var parts = (text ?? "").Split('.');
        if (parts.Length != 3 || !NewsletterMonth.TryParse(parts[0], out var month) || parts[1].Length != 4
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var batch) || !SubscriberIds.IsValid(parts[2]))
        {
            return false;
        }
        key = new DeliveryKey(month, batch, parts[2]);
        return true;
    }
}
