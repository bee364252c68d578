using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Email;

public static class EmailStatus
{
    public const string Pending = "Pending";
    public const string Sending = "Sending";
    public const string Sent = "Sent";
    public const string Failed = "Failed";

    // The business write that caused it never committed: nothing to send.
    public const string Abandoned = "Abandoned";

    public static bool IsSettled(string status) => status is Sent or Failed or Abandoned;
}

// Where a feature's business write lives: the e-mail is sent only once this entity exists.
public sealed record EmailCommitMarker(string Table, string PartitionKey, string RowKey)
{
    // A tiny entity a feature can add to its own transaction batch when no row of its own is new.
    public TableEntity NewEntity() => new(PartitionKey, RowKey);
}

public sealed class EmailRecord : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = EmailStore.RecordRowKey;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string EmailId => PartitionKey;
    public string Status { get; set; } = EmailStatus.Pending;
    public string Category { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SendingStartedAt { get; set; }
    public DateTimeOffset? SettledAt { get; set; }
    public int Attempts { get; set; }
    public string? ProviderMessageId { get; set; }
    public string? LastError { get; set; }
    public string? MarkerTable { get; set; }
    public string? MarkerPartitionKey { get; set; }
    public string? MarkerRowKey { get; set; }

    // The message as UTF-8 JSON when it fits in a table property; null when it is in the blob
    // (a larger message, or one recorded before bodies were kept inline).
    public byte[]? Body { get; set; }
}

// Key design:
// - emails: PK = emailId, RK = "record": point reads by id from the queue message and the webhook.
// - emailspending: PK = "pending", RK = emailId: only unsettled e-mails, so the sweeper reads one small partition.
// - emailssettled: PK = settlement day (yyyyMMdd), RK = emailId: the retention purge drops whole old days.
// - emailevents: PK = SHA-256 of a provider event's sg_event_id, RK = "event": the events applied, so a
//   replayed or retried webhook payload is applied once; emaileventdays: PK = day applied (yyyyMMdd),
//   RK = the same hash: the purge drops whole old days of both.
// - the message itself (bodies and attachments stay out of queue messages): inline in the record's Body
//   when its JSON is at most InlineBodyLimit (one call fewer to record it, one fewer to send it), else
//   blob email-messages/<emailId>.json.
public sealed class EmailStore(StorageInitializer storage, TimeProvider time)
{
    public const string RecordRowKey = "record";
    public const string PendingPartition = "pending";
    public const string EmailsTable = "emails";
    public const string PendingTable = "emailspending";
    public const string SettledTable = "emailssettled";
    public const string MessagesContainer = "email-messages";
    public const string ProviderEventsTable = "emailevents";
    public const string ProviderEventDaysTable = "emaileventdays";
    private const string ProviderEventRowKey = "event";

    // A table property holds at most 64 KiB of binary; the rest of the record stays well under the entity limit.
    public const int InlineBodyLimit = 60 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // null for an id no e-mail can have (a queue message or a provider event naming an invalid table key):
    // such a key is never sent to storage, which would refuse the request.
    public async Task<EmailRecord?> GetAsync(string emailId, CancellationToken cancellationToken = default)
    {
        if (!EmailIds.IsValid(emailId))
        {
            return null;
        }
        var table = await storage.TableAsync(EmailsTable, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<EmailRecord>(emailId, RecordRowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    // Records the message and its pending index. Returns false when this id was recorded already (idempotent).
    public async Task<bool> RecordAsync(string emailId, EmailMessage message, EmailCommitMarker? marker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (await GetAsync(emailId, cancellationToken) is not null)
        {
            return false;
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(message, Json);
        var inline = body.Length <= InlineBodyLimit;
        if (!inline)
        {
            var container = await storage.ContainerAsync(MessagesContainer, cancellationToken);
            await container.GetBlobClient(BlobName(emailId)).UploadAsync(new BinaryData(body), overwrite: true, cancellationToken);
        }

        var now = time.GetUtcNow();
        // Pending index first: if we crash after it, the sweeper finds a pending row with no record and drops it.
        var pending = await storage.TableAsync(PendingTable, cancellationToken);
        await pending.UpsertEntityAsync(new TableEntity(PendingPartition, emailId) { ["CreatedAt"] = now }, TableUpdateMode.Replace, cancellationToken);

        var emails = await storage.TableAsync(EmailsTable, cancellationToken);
        try
        {
            await emails.AddEntityAsync(new EmailRecord
            {
                PartitionKey = emailId,
                Category = message.Category,
                CreatedAt = now,
                MarkerTable = marker?.Table,
                MarkerPartitionKey = marker?.PartitionKey,
                MarkerRowKey = marker?.RowKey,
                Body = inline ? body : null,
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<EmailMessage> ReadMessageAsync(EmailRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Body is { } inline)
        {
            return JsonSerializer.Deserialize<EmailMessage>(inline, Json)
                ?? throw new InvalidOperationException($"E-mail {record.EmailId} has an empty inline body.");
        }
        var container = await storage.ContainerAsync(MessagesContainer, cancellationToken);
        var content = await container.GetBlobClient(BlobName(record.EmailId)).DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToObjectFromJson<EmailMessage>(Json)
            ?? throw new InvalidOperationException($"E-mail {record.EmailId} has an empty body blob.");
    }

    // Optimistic concurrency: a stale ETag means another delivery of the same message got there first.
    public async Task<bool> TryUpdateAsync(EmailRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await storage.TableAsync(EmailsTable, cancellationToken);
        try
        {
            var response = await table.UpdateEntityAsync(record, record.ETag, TableUpdateMode.Replace, cancellationToken);
            record.ETag = response.Headers.ETag ?? record.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    // Writes a settled record (status and SettledAt set by the caller) and moves it from the pending to the
    // settled index in two rounds: the record and the settled row together, then the pending row. A crash
    // before the pending delete leaves the e-mail pending, where the sweeper finds it (and indexes it as
    // settled if the record says so); the pending row never goes while the settled row may be missing.
    // Returns false when the record's ETag was stale (another writer settled it first).
    public async Task<bool> SettleAsync(EmailRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var updated = TryUpdateAsync(record, cancellationToken);
        var indexed = IndexSettledAsync(record.EmailId, record.SettledAt, cancellationToken);
        await Task.WhenAll(updated, indexed);
        await DeletePendingAsync(record.EmailId, cancellationToken);
        return await updated;
    }

    public async Task MarkSettledAsync(string emailId, DateTimeOffset? settledAt = null, CancellationToken cancellationToken = default)
    {
        await IndexSettledAsync(emailId, settledAt, cancellationToken);
        await DeletePendingAsync(emailId, cancellationToken);
    }

    private async Task IndexSettledAsync(string emailId, DateTimeOffset? settledAt, CancellationToken cancellationToken)
    {
        var settled = await storage.TableAsync(SettledTable, cancellationToken);
        await settled.UpsertEntityAsync(new TableEntity(Day(settledAt ?? time.GetUtcNow()), emailId), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task DeletePendingAsync(string emailId, CancellationToken cancellationToken = default)
    {
        var pending = await storage.TableAsync(PendingTable, cancellationToken);
        await pending.DeleteEntityAsync(PendingPartition, emailId, ETag.All, cancellationToken);
    }

    public async Task<IReadOnlyList<TableEntity>> ListPendingAsync(CancellationToken cancellationToken = default)
    {
        var pending = await storage.TableAsync(PendingTable, cancellationToken);
        var rows = new List<TableEntity>();
        await foreach (var row in pending.QueryAsync<TableEntity>(e => e.PartitionKey == PendingPartition, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }
        return rows;
    }

    public async Task TouchPendingAsync(TableEntity row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        var pending = await storage.TableAsync(PendingTable, cancellationToken);
        row["LastQueuedAt"] = time.GetUtcNow();
        await pending.UpsertEntityAsync(row, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task<bool> MarkerExistsAsync(EmailRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.MarkerTable is null || record.MarkerPartitionKey is null || record.MarkerRowKey is null)
        {
            return true;
        }
        var table = await storage.TableAsync(record.MarkerTable, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(record.MarkerPartitionKey, record.MarkerRowKey, ["PartitionKey"], cancellationToken);
        return response.HasValue;
    }

    // Deletes the bodies and records of e-mails settled before the cutoff day; returns how many. The blob
    // delete is kept for every e-mail: larger and older records have their body there.
    public async Task<int> PurgeSettledBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var settled = await storage.TableAsync(SettledTable, cancellationToken);
        var emails = await storage.TableAsync(EmailsTable, cancellationToken);
        var container = await storage.ContainerAsync(MessagesContainer, cancellationToken);
        var cutoffDay = Day(cutoff);
        var purged = 0;
        await foreach (var row in settled.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(cutoffDay) < 0, cancellationToken: cancellationToken))
        {
            await container.DeleteBlobIfExistsAsync(BlobName(row.RowKey), cancellationToken: cancellationToken);
            await emails.DeleteEntityAsync(row.RowKey, RecordRowKey, ETag.All, cancellationToken);
            await settled.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
            purged++;
        }
        return purged;
    }

    public async Task<bool> ProviderEventAppliedAsync(string providerEventId, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(ProviderEventsTable, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(ProviderEventKey(providerEventId), ProviderEventRowKey, select: ["PartitionKey"], cancellationToken: cancellationToken);
        return row.HasValue;
    }

    // After the event was applied: a crash in between applies it again on the provider's retry, which
    // every handler tolerates (they are idempotent); recording first could lose it.
    public async Task RecordProviderEventAsync(string providerEventId, CancellationToken cancellationToken = default)
    {
        var key = ProviderEventKey(providerEventId);
        var now = time.GetUtcNow();
        var days = await storage.TableAsync(ProviderEventDaysTable, cancellationToken);
        await days.UpsertEntityAsync(new TableEntity(Day(now), key), TableUpdateMode.Replace, cancellationToken);
        var table = await storage.TableAsync(ProviderEventsTable, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(key, ProviderEventRowKey) { ["AppliedAt"] = now }, TableUpdateMode.Replace, cancellationToken);
    }

    // Events applied before the cutoff can no longer come back (older signed payloads are refused).
    public async Task<int> PurgeProviderEventsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var days = await storage.TableAsync(ProviderEventDaysTable, cancellationToken);
        var table = await storage.TableAsync(ProviderEventsTable, cancellationToken);
        var cutoffDay = Day(cutoff);
        var purged = 0;
        await foreach (var row in days.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(cutoffDay) < 0, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            await table.DeleteEntityAsync(row.RowKey, ProviderEventRowKey, ETag.All, cancellationToken);
            await days.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
            purged++;
        }
        return purged;
    }

    private static string ProviderEventKey(string providerEventId) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(providerEventId)));

    private static string BlobName(string emailId) => emailId + ".json";

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
