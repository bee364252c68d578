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

    // The ids of active subscribers after the given one, in id order: the fan-out's planning cursor. Only
    // the key is read (the filter runs in the table): a campaign plans 20,000 rows without their consent texts.
    public async IAsyncEnumerable<string> ListActiveIdsAfterAsync(string afterId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {afterId} and Status eq {nameof(SubscriberStatus.Active)}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            yield return row.RowKey;
        }
    }

    // The address and status of the subscribers with an id in (afterId, upToId]: one query for a whole
    // batch at send time, reading those two columns only (and the key: a $select returns only what it names).
    public async Task<Dictionary<string, Recipient>> ListRecipientsAsync(string afterId, string upToId, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        var rows = new Dictionary<string, Recipient>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {afterId} and RowKey le {upToId}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey", nameof(SubscriberEntity.Email), nameof(SubscriberEntity.Status)], cancellationToken: cancellationToken))
        {
            rows[row.RowKey] = new Recipient(row.GetString(nameof(SubscriberEntity.Email)) ?? "", Enum.Parse<SubscriberStatus>(row.GetString(nameof(SubscriberEntity.Status))!));
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

// A subscriber as a batch send needs it: where to send, and whether to.
public readonly record struct Recipient(string Email, SubscriberStatus Status);
