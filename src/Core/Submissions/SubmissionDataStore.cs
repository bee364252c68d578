using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Common;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Submissions;

public enum RowOutcome
{
    Imported,
    Updated,
    Ignored,
}

// One stored fiche or activity row: the current value for its key, with the receipt it came from.
public sealed class SubmissionRowEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string NetworkId { get; set; } = "";
    public string MicrostructureId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Period { get; set; } = "";
    public string VocabularyVersion { get; set; } = "";
    public string Data { get; set; } = "";

    // The receipt that wrote this value, and when it was received: a row is only ever replaced by a later
    // receipt (ReceiptStore.CompareOrder), whatever order the queue processes them in.
    public string ReceiptId { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }

    // What that receipt counted for this row, so that processing its message again counts the same.
    public string Outcome { get; set; } = "";

    // When the row's key was first received (timeliness); kept across corrections.
    public DateTimeOffset FirstReceivedAt { get; set; }
}

public sealed record ApplyCounts(int Imported, int Updated, int Ignored);

// Key design, table "submissiondata": PK "<microstructureId>|<year>" holds everything a microstructure sent
// for a year, which is exactly what its facts are computed from (one partition read). RK:
//   "f|<period>|<PSEUDONYM>"  a patient fiche (period "2025" or "2025-03"): a corrected fiche replaces it;
//   "a|<period>"              the microstructure's activity for the period.
// Rows are written by the queue's computation (never by the HTTP request), in transactions of at most 100
// rows of one partition, each conditional: Add for a new key, Replace If-Match for an existing one, so
// two submissions writing the same key at once cannot lose the later one: the loser re-reads and re-plans.
public sealed class SubmissionDataStore(StorageInitializer storage)
{
    public const string TableName = "submissiondata";
    private const int MaxAttempts = 20;

    public static string Partition(string microstructureId, int year) => microstructureId + "|" + year.ToString(CultureInfo.InvariantCulture);

    public static string RowKey(SubmissionKind kind, SubmissionPeriod period, string key) =>
        kind == SubmissionKind.PatientFiches ? $"f|{period}|{key}" : $"a|{period}";

    private static string PeriodPrefix(SubmissionKind kind, SubmissionPeriod period) =>
        kind == SubmissionKind.PatientFiches ? $"f|{period}|" : $"a|{period}";

    public Task<TableClient> TableAsync(CancellationToken cancellationToken = default) => storage.TableAsync(TableName, cancellationToken);

    // Everything a microstructure sent for a year (fiches and activity, the year's and the months').
    public async Task<IReadOnlyList<SubmissionRowEntity>> ListAsync(string microstructureId, int year, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var list = new List<SubmissionRowEntity>();
        await foreach (var e in table.QueryAsync<SubmissionRowEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(microstructureId, year)}"), cancellationToken: cancellationToken))
        {
            list.Add(e);
        }
        return list;
    }

    // Every stored row of one kind and period across the nation (the evaluators' export): a scan.
    public async IAsyncEnumerable<SubmissionRowEntity> ScanAsync(SubmissionKind kind, SubmissionPeriod period, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var prefix = PeriodPrefix(kind, period);
        var filter = kind == SubmissionKind.PatientFiches
            ? TableClient.CreateQueryFilter($"RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}")
            : TableClient.CreateQueryFilter($"RowKey eq {prefix}");
        await foreach (var e in table.QueryAsync<SubmissionRowEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return e;
        }
    }

    // What writing these rows for this receipt would do now (a dry run), without writing.
    public async Task<ApplyCounts> PlanAsync(SubmissionKind kind, SubmissionPeriod period, IReadOnlyList<ValidRow> rows, string receiptId, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int imported = 0, updated = 0, ignored = 0;
        foreach (var partition in rows.GroupBy(r => r.MicrostructureId, StringComparer.Ordinal))
        {
            var existing = await ReadPeriodAsync(partition.Key, kind, period, cancellationToken);
            foreach (var row in partition)
            {
                switch (Plan(existing.GetValueOrDefault(RowKey(kind, period, row.Key)), row, receiptId, receivedAt).Outcome)
                {
                    case RowOutcome.Imported: imported++; break;
                    case RowOutcome.Updated: updated++; break;
                    default: ignored++; break;
                }
            }
        }
        return new ApplyCounts(imported, updated, ignored);
    }

    // Writes a receipt's valid rows. Idempotent: the rows this receipt already wrote are counted as they
    // were then; rows a later receipt already wrote are left alone (ignored).
    public async Task<ApplyCounts> ApplyAsync(
        string networkId, SubmissionKind kind, SubmissionPeriod period, string vocabularyVersion, IReadOnlyList<ValidRow> rows,
        string receiptId, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var table = await TableAsync(cancellationToken);
        int imported = 0, updated = 0, ignored = 0;
        foreach (var partition in rows.GroupBy(r => r.MicrostructureId, StringComparer.Ordinal))
        {
            var existing = await ReadPeriodAsync(partition.Key, kind, period, cancellationToken);
            var chunks = partition.Chunk(TableBatches.MaxActions).ToList();
            var outcomes = new RowOutcome[chunks.Count][];
            await Parallel.ForEachAsync(Enumerable.Range(0, chunks.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, ct) =>
                outcomes[i] = await WriteChunkAsync(table, networkId, kind, period, vocabularyVersion, chunks[i], existing, receiptId, receivedAt, ct));
            foreach (var outcome in outcomes.SelectMany(o => o))
            {
                switch (outcome)
                {
                    case RowOutcome.Imported: imported++; break;
                    case RowOutcome.Updated: updated++; break;
                    default: ignored++; break;
                }
            }
        }
        return new ApplyCounts(imported, updated, ignored);
    }

    private static async Task<RowOutcome[]> WriteChunkAsync(
        TableClient table, string networkId, SubmissionKind kind, SubmissionPeriod period, string vocabularyVersion, ValidRow[] chunk,
        IReadOnlyDictionary<string, SubmissionRowEntity> existing, string receiptId, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var partitionKey = Partition(chunk[0].MicrostructureId, period.Year);
        var current = chunk.ToDictionary(r => RowKey(kind, period, r.Key), r => existing.GetValueOrDefault(RowKey(kind, period, r.Key)), StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            var outcomes = new RowOutcome[chunk.Length];
            var actions = new List<TableTransactionAction>();
            for (var i = 0; i < chunk.Length; i++)
            {
                var row = chunk[i];
                var rowKey = RowKey(kind, period, row.Key);
                var stored = current[rowKey];
                var (outcome, write) = Plan(stored, row, receiptId, receivedAt);
                outcomes[i] = outcome;
                if (!write)
                {
                    continue;
                }
                var entity = new SubmissionRowEntity
                {
                    PartitionKey = partitionKey, RowKey = rowKey, NetworkId = networkId, MicrostructureId = row.MicrostructureId,
                    Kind = kind.Slug(), Period = period.ToString(), VocabularyVersion = vocabularyVersion, Data = row.Data,
                    ReceiptId = receiptId, ReceivedAt = receivedAt, Outcome = outcome.ToString(),
                    FirstReceivedAt = stored is null || stored.FirstReceivedAt > receivedAt ? receivedAt : stored.FirstReceivedAt,
                };
                actions.Add(stored is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, stored.ETag));
            }
            try
            {
                await TableBatches.SubmitAsync(table, actions, cancellationToken);
                return outcomes;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 or 404 && attempt < MaxAttempts)
            {
                // Another submission wrote one of these keys since they were read: read them again and re-plan.
                foreach (var rowKey in current.Keys.ToList())
                {
                    var response = await table.GetEntityIfExistsAsync<SubmissionRowEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
                    current[rowKey] = response.HasValue ? response.Value : null;
                }
            }
        }
    }

    // The rule of one row: new key → imported; written by this receipt already → as counted then; written by
    // a later receipt → ignored, untouched; same value from an earlier receipt → ignored, but the row takes
    // this receipt as its source (so that an even earlier receipt processed late cannot bring an older value
    // back); different value from an earlier receipt → updated.
    private static (RowOutcome Outcome, bool Write) Plan(SubmissionRowEntity? stored, ValidRow row, string receiptId, DateTimeOffset receivedAt)
    {
        if (stored is null)
        {
            return (RowOutcome.Imported, true);
        }
        if (stored.ReceiptId == receiptId)
        {
            return (Enum.TryParse<RowOutcome>(stored.Outcome, out var counted) ? counted : RowOutcome.Ignored, false);
        }
        if (ReceiptStore.CompareOrder(stored.ReceivedAt, stored.ReceiptId, receivedAt, receiptId) > 0)
        {
            return (RowOutcome.Ignored, false);
        }
        return (string.Equals(stored.Data, row.Data, StringComparison.Ordinal) ? RowOutcome.Ignored : RowOutcome.Updated, true);
    }

    private async Task<Dictionary<string, SubmissionRowEntity>> ReadPeriodAsync(string microstructureId, SubmissionKind kind, SubmissionPeriod period, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var prefix = PeriodPrefix(kind, period);
        var filter = kind == SubmissionKind.PatientFiches
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition(microstructureId, period.Year)} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition(microstructureId, period.Year)} and RowKey eq {prefix}");
        var rows = new Dictionary<string, SubmissionRowEntity>(StringComparer.Ordinal);
        await foreach (var e in table.QueryAsync<SubmissionRowEntity>(filter, cancellationToken: cancellationToken))
        {
            rows[e.RowKey] = e;
        }
        return rows;
    }

    // For a rebuild: every row deleted, partition by partition, 100 at a time.
    public async Task<int> DeleteAllAsync(CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var keys = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(e);
        }
        foreach (var transaction in TableBatches.Split(keys.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, k, ETag.All))))
        {
            await TableBatches.SubmitAsync(table, transaction, cancellationToken);
        }
        return keys.Count;
    }
}
