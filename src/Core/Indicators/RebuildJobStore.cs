using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Indicators;

public enum RebuildJobStatus
{
    Queued,
    Running,
    Succeeded,
}

public sealed class RebuildJobEntity : ITableEntity
{
    public string PartitionKey { get; set; } = RebuildJobStore.Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    // The pointer row ("current") only: the job that runs or last ran.
    public string? CurrentJobId { get; set; }

    public string Status { get; set; } = nameof(RebuildJobStatus.Queued);
    public string ActorKind { get; set; } = "";
    public string ActorId { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }

    // Last sign of life of the run that holds the job (or of its last failure): older than
    // IndicatorRebuildJobs.StaleAfter, the job is taken as interrupted.
    public DateTimeOffset? HeartbeatAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public int Attempts { get; set; }
    public string? RunId { get; set; }
    public string Phase { get; set; } = nameof(RebuildPhase.Deleting);
    public DateTimeOffset? AfterReceivedAt { get; set; }
    public string? AfterReceiptId { get; set; }
    public int Receipts { get; set; }
    public int Rows { get; set; }
    public int DeletedRows { get; set; }
    public string? AfterTarget { get; set; }
    public int Recomputed { get; set; }
    public int? FactsRecomputed { get; set; }
    public string? LastError { get; set; }

    public RebuildProgress ToProgress() => new(Enum.Parse<RebuildPhase>(Phase), AfterReceivedAt, AfterReceiptId, Receipts, Rows, DeletedRows, AfterTarget, Recomputed);

    public void Save(RebuildProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        Phase = progress.Phase.ToString();
        AfterReceivedAt = progress.AfterReceivedAt;
        AfterReceiptId = progress.AfterReceiptId;
        Receipts = progress.Receipts;
        Rows = progress.Rows;
        DeletedRows = progress.DeletedRows;
        AfterTarget = progress.AfterTarget;
        Recomputed = progress.Recomputed;
    }
}

// Key design, table "indicatorrebuilds": one partition; RK = job id (inverted ticks, so a query lists the
// newest first, and a random suffix) and one pointer row "current" naming the job that runs or last ran.
// A job is created in one transaction with the pointer's conditional update, and claimed by a run in one
// transaction with its own conditional update and the pointer's: two jobs never hold the pointer at once.
public sealed class RebuildJobStore(StorageInitializer storage)
{
    public const string TableName = "indicatorrebuilds";
    public const string Partition = "rebuild";
    public const string PointerKey = "current";

    public static string NewId(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];

    public static bool IsJobId(string? id) =>
        id is { Length: 28 } && id[19] == '-' && id[..19].All(char.IsAsciiDigit) && id[20..].All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    public Task<TableClient> TableAsync(CancellationToken cancellationToken = default) => storage.TableAsync(TableName, cancellationToken);

    public async Task<RebuildJobEntity?> GetAsync(string rowKey, CancellationToken cancellationToken = default)
    {
        if (rowKey != PointerKey && !IsJobId(rowKey))
        {
            return null;
        }
        var table = await TableAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<RebuildJobEntity>(Partition, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task<IReadOnlyList<RebuildJobEntity>> ListRecentAsync(int count, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var list = new List<RebuildJobEntity>();
        await foreach (var job in table.QueryAsync<RebuildJobEntity>(j => j.PartitionKey == Partition && j.RowKey != PointerKey, maxPerPage: count, cancellationToken: cancellationToken))
        {
            list.Add(job);
            if (list.Count == count)
            {
                break;
            }
        }
        return list;
    }

    // All or nothing; false when another writer changed the pointer or the job first (409 / 412).
    public async Task<bool> TrySubmitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.SubmitTransactionAsync(actions, cancellationToken);
            for (var i = 0; i < actions.Count; i++)
            {
                actions[i].Entity.ETag = response.Value[i].Headers.ETag ?? actions[i].Entity.ETag;
            }
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return false;
        }
    }

    // False when the row changed since it was read (another run took the job over).
    public async Task<bool> TryReplaceAsync(RebuildJobEntity job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.UpdateEntityAsync(job, job.ETag, TableUpdateMode.Replace, cancellationToken);
            job.ETag = response.Headers.ETag ?? job.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }
}
