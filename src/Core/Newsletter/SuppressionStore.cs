using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Newsletter;

// The hashed suppression list (key design on SuppressionEntity). An entry is only ever strengthened
// (SuppressionReason order), and lifted only by a new double opt-in after an unsubscription or erasure.
public sealed class SuppressionStore(StorageInitializer storage, TimeProvider time)
{
    public const string TableName = "newslettersuppressions";
    public const string Partition = "sup";

    public async Task<SuppressionEntity?> GetAsync(string subscriberId, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<SuppressionEntity>(Partition, subscriberId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    // Records the reason unless a stronger one is there already.
    public async Task SuppressAsync(string subscriberId, SuppressionReason reason, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await GetAsync(subscriberId, cancellationToken);
            if (existing is not null && existing.ReasonValue() >= reason)
            {
                return;
            }
            var entity = new SuppressionEntity { RowKey = subscriberId, Reason = reason.ToString(), At = time.GetUtcNow() };
            try
            {
                if (existing is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
            {
                // Another writer got there first: read again.
            }
        }
        throw new InvalidOperationException($"The suppression of {subscriberId} kept changing under five attempts.");
    }

    // A new double opt-in by the address' owner lifts an unsubscription or erasure, never a bounce or complaint.
    public async Task LiftAsync(SuppressionEntity entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.BlocksRequests)
        {
            return;
        }
        var table = await storage.TableAsync(TableName, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(Partition, entry.RowKey, entry.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Gone already, or strengthened meanwhile (a bounce): kept.
        }
    }

    public async Task<HashSet<string>> ListIdsAsync(CancellationToken cancellationToken = default) => await ListRangeAsync("", null, cancellationToken);

    // Suppressed ids in (afterId, upToId] (all after afterId when upToId is null).
    public async Task<HashSet<string>> ListRangeAsync(string afterId, string? upToId, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        var filter = upToId is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {afterId}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {afterId} and RowKey le {upToId}");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            ids.Add(row.RowKey);
        }
        return ids;
    }
}
