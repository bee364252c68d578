using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Newsletter;

// The subscribers (key design on SubscriberEntity). Writes are conditional: an add fails when the row
// exists, an update when its ETag is stale, so two requests for one address never overwrite each other.
public sealed class SubscriberStore(StorageInitializer storage)
{
    public const string TableName = "newslettersubscribers";
    public const string Partition = "sub";
    public const int MaxBatch = 100;

    public async Task<SubscriberEntity?> GetAsync(string subscriberId, CancellationToken cancellationToken = default)
    {
        if (!SubscriberIds.IsValid(subscriberId))
        {
            return null;
        }
        var table = await storage.TableAsync(TableName, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<SubscriberEntity>(Partition, subscriberId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    // False when the row exists already.
    public async Task<bool> TryAddAsync(SubscriberEntity entity, CancellationToken cancellationToken = default) =>
        await (await storage.TableAsync(TableName, cancellationToken)).TryAddAsync(entity, cancellationToken);

    // False when the row changed (or went) since it was read.
    public async Task<bool> TryUpdateAsync(SubscriberEntity entity, CancellationToken cancellationToken = default) =>
        await (await storage.TableAsync(TableName, cancellationToken)).TryReplaceAsync(entity, cancellationToken);

    // False when the row changed since it was read; true when it is gone (deleted now or before).
    public async Task<bool> TryDeleteAsync(SubscriberEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var table = await storage.TableAsync(TableName, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(Partition, entity.RowKey, entity.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return true;
        }
    }

    // Every subscriber, in id order.
    public async IAsyncEnumerable<SubscriberEntity> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        await foreach (var row in table.QueryAsync<SubscriberEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            yield return row;
        }
    }

    // Active subscribers with an id after the given one, in id order: the fan-out's planning cursor.
    public async IAsyncEnumerable<SubscriberEntity> ListActiveAfterAsync(string afterId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {afterId} and Status eq {nameof(SubscriberStatus.Active)}");
        await foreach (var row in table.QueryAsync<SubscriberEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return row;
        }
    }

    // Subscribers with an id in (afterId, upToId]: one query for a whole batch at send time.
    public async Task<Dictionary<string, SubscriberEntity>> ListRangeAsync(string afterId, string upToId, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        var rows = new Dictionary<string, SubscriberEntity>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<SubscriberEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {afterId} and RowKey le {upToId}"), cancellationToken: cancellationToken))
        {
            rows[row.RowKey] = row;
        }
        return rows;
    }

    public async Task<HashSet<string>> ListIdsAsync(CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            ids.Add(row.RowKey);
        }
        return ids;
    }

    // New rows in transactions of 100; returns how many were added (a row that exists is left as it is).
    public async Task<int> AddManyAsync(IReadOnlyList<SubscriberEntity> entities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var table = await storage.TableAsync(TableName, cancellationToken);
        var added = 0;
        foreach (var chunk in entities.Chunk(MaxBatch))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), cancellationToken);
                added += chunk.Length;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                foreach (var entity in chunk)
                {
                    added += await TryAddAsync(entity, cancellationToken) ? 1 : 0;
                }
            }
        }
        return added;
    }
}
