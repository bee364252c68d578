using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Forfaits;

public sealed class DueReminderEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string ForfaitId { get; set; } = "";
    public string MicrostructureId { get; set; } = "";
    public string NetworkId { get; set; } = "";
    public int Period { get; set; }
    public string Kind { get; set; } = "";
    public int Days { get; set; }
    public string EndDate { get; set; } = "";

    // From the TimeProvider (the service's Timestamp is the storage clock): tells an orphan from a row
    // whose forfait is being written right now.
    public DateTimeOffset CreatedAt { get; set; }

    [IgnoreDataMember]
    public ReminderKey Key => ReminderKey.Parse(RowKey);

    [IgnoreDataMember]
    public DateOnly DueDate => OrgDates.Parse(PartitionKey);
}

public sealed class ReminderRecordEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string ForfaitId { get; set; } = "";
    public int Period { get; set; }
    public string Kind { get; set; } = "";
    public int Days { get; set; }
    public string DueDate { get; set; } = "";
    public string Outcome { get; set; } = "";
    public string? Reason { get; set; }
    public string? DigestId { get; set; }
    public string RunDate { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

public sealed class DigestEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string DigestId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string ScopeId { get; set; } = "";
    public string NetworkId { get; set; } = "";
    public string RunDate { get; set; } = "";
    public string ExpiresOn { get; set; } = "";
    public string Items { get; set; } = "[]";
    public int Recipients { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

// Key design of the reminders, built for the daily run at 200,000 forfaits: it reads only what is due.
// - table "forfaitsdue", the schedule: PK = due date (yyyy-MM-dd), RK = ReminderKey.Text
//   ("<forfaitId>|<period>|m060"). Every period, when it opens, gets one row per reminder it will need
//   (each lead time, and the escalation); a row is deleted once its reminder is handled, so the past
//   partitions hold only what is still to do, and the run reads "PartitionKey le today": a few thousand
//   rows a day at that scale, whatever happened before (missed days included), instead of every forfait.
//   A renewed or closed period keeps its rows; the run records them as skipped on their due date.
// - table "forfaitreminders", the ledger, PK "ms|<microstructureId>" for its reminders and digests,
//   "net|<networkId>" for the escalations and the network digests:
//     RK "h|<ReminderKey>": the reminder was handled (Sent with its DigestId, or Skipped with a reason).
//       Only ever added (409 when it exists): this row is what makes each reminder happen once.
//     RK "d|<digestId>": a digest (the items it announced), the commit marker of its e-mails. Added in
//       one transaction with the "h|" rows of the reminders it sends: either the digest and all its
//       reminders are recorded, or none is, and its e-mails go only once it is there.
// Point reads and the transactions of one digest stay inside one partition.
public sealed class ReminderStore(StorageInitializer storage, ForfaitStore forfaits)
{
    public const string DueTableName = "forfaitsdue";
    public const string LedgerTableName = "forfaitreminders";

    // A digest transaction holds its reminders and the digest row.
    public const int MaxRemindersPerDigest = ForfaitStore.MaxBatch - 1;

    public static string LedgerPartition(ReminderKind kind, string microstructureId, string networkId) =>
        kind == ReminderKind.Microstructure ? "ms|" + microstructureId : "net|" + networkId;

    public static string RecordRowKey(ReminderKey key) => "h|" + key?.Text;

    public static string DigestRowKey(string digestId) => "d|" + digestId;

    public async Task UpsertDueAsync(IEnumerable<DueReminderEntity> rows, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(DueTableName, cancellationToken);
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var batch in partition.Chunk(ForfaitStore.MaxBatch))
            {
                await table.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken);
            }
        }
    }

    // Every reminder still to handle whose due date is on or before the given day.
    public async Task<IReadOnlyList<DueReminderEntity>> ListDueAsync(DateOnly upTo, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(DueTableName, cancellationToken);
        var list = new List<DueReminderEntity>();
        await foreach (var row in table.QueryAsync<DueReminderEntity>(TableClient.CreateQueryFilter($"PartitionKey le {OrgDates.ToText(upTo)}"), cancellationToken: cancellationToken))
        {
            list.Add(row);
        }
        return list;
    }

    // Rows already gone (another run deleted them) are fine.
    public async Task DeleteDueAsync(IEnumerable<DueReminderEntity> rows, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(DueTableName, cancellationToken);
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var batch in partition.Chunk(ForfaitStore.MaxBatch))
            {
                try
                {
                    await table.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 404)
                {
                    foreach (var row in batch)
                    {
                        await DeleteIfExistsAsync(table, row, cancellationToken);
                    }
                }
            }
        }
    }

    private static async Task DeleteIfExistsAsync(TableClient table, DueReminderEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    public async Task<ReminderRecordEntity?> GetRecordAsync(string partition, ReminderKey key, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(LedgerTableName, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<ReminderRecordEntity>(partition, RecordRowKey(key), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    // False when this reminder was handled already (by another run, or before a crash).
    public async Task<bool> TryAddRecordAsync(ReminderRecordEntity record, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(LedgerTableName, cancellationToken);
        try
        {
            await table.AddEntityAsync(record, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    // The digest and the records of the reminders it sends, all or nothing. False when one of them
    // exists already: another run handled some of these reminders (or committed this very digest).
    public async Task<bool> TryCommitDigestAsync(DigestEntity digest, IReadOnlyList<ReminderRecordEntity> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count is 0 or > MaxRemindersPerDigest || records.Any(r => r.PartitionKey != digest.PartitionKey))
        {
            throw new InvalidOperationException($"A digest commits 1 to {MaxRemindersPerDigest} reminders of its own partition; got {records.Count}.");
        }
        var table = await storage.TableAsync(LedgerTableName, cancellationToken);
        try
        {
            await table.SubmitTransactionAsync(
                records.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r))
                    .Append(new TableTransactionAction(TableTransactionActionType.Add, digest)), cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task AddDigestLookupAsync(string digestId, string partition, CancellationToken cancellationToken = default) =>
        await forfaits.AddLookupAsync(new ForfaitLookupEntity { PartitionKey = ForfaitStore.DigestLookupPartition, RowKey = digestId, Partition = partition }, cancellationToken);

    public async Task<DigestEntity?> GetDigestAsync(string digestId, CancellationToken cancellationToken = default)
    {
        if (!DigestIds.IsValid(digestId))
        {
            return null;
        }
        var lookups = await storage.TableAsync(ForfaitStore.LookupTableName, cancellationToken);
        var lookup = await lookups.GetEntityIfExistsAsync<ForfaitLookupEntity>(ForfaitStore.DigestLookupPartition, digestId, cancellationToken: cancellationToken);
        if (!lookup.HasValue || lookup.Value!.Partition is not { } partition)
        {
            return null;
        }
        var table = await storage.TableAsync(LedgerTableName, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<DigestEntity>(partition, DigestRowKey(digestId), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public static IReadOnlyList<DigestItem> ReadItems(DigestEntity digest) =>
        JsonSerializer.Deserialize<List<DigestItem>>(digest?.Items ?? "[]", ForfaitStore.Json) ?? [];

    public static string WriteItems(IEnumerable<DigestItem> items) => JsonSerializer.Serialize(items, ForfaitStore.Json);
}

public static class DigestIds
{
    // "d" + 24 hex of a hash, and "-2", "-3"... for a later attempt of the same digest.
    public static bool IsValid(string? id) =>
        id is { Length: >= 25 and <= 30 } && id[0] == 'd' && id.Skip(1).All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f' or '-');
}
