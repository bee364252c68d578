using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Newsletter;

// The campaigns, their batches and the per-recipient delivery log (key design on the entities), the
// frozen issue of each campaign and the newsletter-batches queue.
public sealed class CampaignStore(StorageInitializer storage, TimeProvider time)
{
    public const string CampaignsTable = "newslettercampaigns";
    public const string DeliveriesTable = "newsletterdeliveries";
    public const string QueueName = "newsletter-batches";
    public const string CampaignRowKey = "campaign";
    public const string AlertRowKey = "alert";
    public const int MaxBatch = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string BatchRowKey(int number) => string.Create(CultureInfo.InvariantCulture, $"batch|{number:D4}");

    public static string DeliveryPartition(NewsletterMonth month, int batch) => string.Create(CultureInfo.InvariantCulture, $"{month}|{batch:D4}");

    public async Task<CampaignEntity?> GetCampaignAsync(NewsletterMonth month, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(CampaignsTable, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<CampaignEntity>(month.ToString(), CampaignRowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task<bool> TryAddAsync(ITableEntity entity, CancellationToken cancellationToken = default) =>
        await (await storage.TableAsync(CampaignsTable, cancellationToken)).TryAddAsync(entity, cancellationToken);

    public async Task<bool> TryUpdateAsync(ITableEntity entity, CancellationToken cancellationToken = default) =>
        await (await storage.TableAsync(CampaignsTable, cancellationToken)).TryReplaceAsync(entity, cancellationToken);

    // Campaigns not finished, whatever their month (a campaign can outlive its month).
    public async Task<IReadOnlyList<CampaignEntity>> ListOpenCampaignsAsync(CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(CampaignsTable, cancellationToken);
        var list = new List<CampaignEntity>();
        await foreach (var row in table.QueryAsync<CampaignEntity>(
            TableClient.CreateQueryFilter($"RowKey eq {CampaignRowKey} and Status ne {nameof(CampaignStatus.Sent)}"), cancellationToken: cancellationToken))
        {
            list.Add(row);
        }
        return list;
    }

    public async Task<BatchEntity?> GetBatchAsync(NewsletterMonth month, int number, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(CampaignsTable, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<BatchEntity>(month.ToString(), BatchRowKey(number), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    // In batch order.
    public async Task<IReadOnlyList<BatchEntity>> ListBatchesAsync(NewsletterMonth month, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(CampaignsTable, cancellationToken);
        var list = new List<BatchEntity>();
        await foreach (var row in table.QueryAsync<BatchEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {month.ToString()} and RowKey ge {"batch|"} and RowKey lt {"batch}"}"), cancellationToken: cancellationToken))
        {
            list.Add(row);
        }
        return list;
    }

    // Counts and activity only (Merge, no ETag): a recount from the delivery rows, the last writer is as right as any.
    public async Task UpdateBatchProgressAsync(BatchEntity batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var table = await storage.TableAsync(CampaignsTable, cancellationToken);
        await table.UpdateEntityAsync(new TableEntity(batch.PartitionKey, batch.RowKey)
        {
            [nameof(BatchEntity.Recipients)] = batch.Recipients,
            [nameof(BatchEntity.Sent)] = batch.Sent,
            [nameof(BatchEntity.Failed)] = batch.Failed,
            [nameof(BatchEntity.Skipped)] = batch.Skipped,
            [nameof(BatchEntity.Done)] = batch.Done,
            [nameof(BatchEntity.LastActivityAt)] = batch.LastActivityAt,
        }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task TouchBatchAsync(NewsletterMonth month, int number, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(CampaignsTable, cancellationToken);
        await table.UpdateEntityAsync(new TableEntity(month.ToString(), BatchRowKey(number)) { [nameof(BatchEntity.LastActivityAt)] = time.GetUtcNow() },
            ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task<bool> HasAlertAsync(NewsletterMonth month, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(CampaignsTable, cancellationToken);
        return (await table.GetEntityIfExistsAsync<TableEntity>(month.ToString(), AlertRowKey, ["PartitionKey"], cancellationToken)).HasValue;
    }

    public Task<bool> TryAddAlertAsync(NewsletterMonth month, CancellationToken cancellationToken = default) =>
        TryAddAsync(new TableEntity(month.ToString(), AlertRowKey) { ["At"] = time.GetUtcNow() }, cancellationToken);

    // Insert only, never overwrite: a second planner of the same batch cannot reset a delivery already
    // claimed or sent. Rows that exist are left as they are.
    public async Task AddDeliveriesAsync(IReadOnlyList<DeliveryEntity> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        var table = await storage.TableAsync(DeliveriesTable, cancellationToken);
        foreach (var partition in deliveries.GroupBy(d => d.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(MaxBatch))
            {
                try
                {
                    await table.SubmitTransactionAsync(chunk.Select(d => new TableTransactionAction(TableTransactionActionType.Add, d)), cancellationToken);
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 409)
                {
                    foreach (var delivery in chunk)
                    {
                        try
                        {
                            await table.AddEntityAsync(delivery, cancellationToken);
                        }
                        catch (RequestFailedException e) when (e.Status == 409)
                        {
                        }
                    }
                }
            }
        }
    }

    // The deliveries of a batch: its partition, within its id range (rows a crashed planner left past
    // the range belong to no batch and are never read).
    public async Task<IReadOnlyList<DeliveryEntity>> ListDeliveriesAsync(NewsletterMonth month, BatchEntity batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var table = await storage.TableAsync(DeliveriesTable, cancellationToken);
        var list = new List<DeliveryEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DeliveryPartition(month, batch.Number)} and RowKey gt {batch.After} and RowKey le {batch.Last}");
        await foreach (var row in table.QueryAsync<DeliveryEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(row);
        }
        return list;
    }

    public async Task<DeliveryEntity?> GetDeliveryAsync(DeliveryKey key, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(DeliveriesTable, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<DeliveryEntity>(key.Partition, key.SubscriberId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    // Conditional on each row's ETag, in transactions of 100 of one partition; when a transaction
    // fails (a row changed: another claim, the webhook), row by row. Returns the rows written, with
    // their new ETags: for a claim, exactly the rows this caller owns.
    public async Task<IReadOnlyList<DeliveryEntity>> TryUpdateDeliveriesAsync(IReadOnlyList<DeliveryEntity> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        var table = await storage.TableAsync(DeliveriesTable, cancellationToken);
        var written = new List<DeliveryEntity>();
        foreach (var partition in deliveries.GroupBy(d => d.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(MaxBatch))
            {
                try
                {
                    var response = await table.SubmitTransactionAsync(chunk.Select(d => new TableTransactionAction(TableTransactionActionType.UpdateReplace, d, d.ETag)), cancellationToken);
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        chunk[i].ETag = response.Value[i].Headers.ETag ?? chunk[i].ETag;
                    }
                    written.AddRange(chunk);
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404 or 409)
                {
                    foreach (var delivery in chunk)
                    {
                        if (await TryUpdateAsync(table, delivery, cancellationToken))
                        {
                            written.Add(delivery);
                        }
                    }
                }
            }
        }
        return written;
    }

    public async Task<bool> TryUpdateDeliveryAsync(DeliveryEntity delivery, CancellationToken cancellationToken = default) =>
        await TryUpdateAsync(await storage.TableAsync(DeliveriesTable, cancellationToken), delivery, cancellationToken);

    private static async Task<bool> TryUpdateAsync(TableClient table, DeliveryEntity delivery, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.UpdateEntityAsync(delivery, delivery.ETag, TableUpdateMode.Replace, cancellationToken);
            delivery.ETag = response.Headers.ETag ?? delivery.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    public async Task WriteSnapshotAsync(NewsletterMonth month, CampaignSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var container = await storage.ContainerAsync(IssueStore.ContainerName, cancellationToken);
        await container.GetBlobClient(SnapshotBlob(month)).UploadAsync(BinaryData.FromObjectAsJson(snapshot, Json), overwrite: true, cancellationToken);
    }

    public async Task<CampaignSnapshot> ReadSnapshotAsync(NewsletterMonth month, CancellationToken cancellationToken = default)
    {
        var container = await storage.ContainerAsync(IssueStore.ContainerName, cancellationToken);
        var content = await container.GetBlobClient(SnapshotBlob(month)).DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToObjectFromJson<CampaignSnapshot>(Json)
            ?? throw new InvalidOperationException($"The snapshot of campaign {month} is empty.");
    }

    public async Task QueueBatchAsync(NewsletterMonth month, int number, CancellationToken cancellationToken = default)
    {
        var queue = await storage.QueueAsync(QueueName, cancellationToken);
        await queue.SendMessageAsync(JsonSerializer.Serialize(new NewsletterBatchMessage(month.ToString(), number), Json), cancellationToken);
    }

    public static NewsletterBatchMessage? ParseMessage(string text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<NewsletterBatchMessage>(text, Json);
            return message is not null && NewsletterMonth.TryParse(message.Month, out _) && message.Batch is >= 0 and <= 9999 ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string SnapshotBlob(NewsletterMonth month) => $"campaigns/{month}.json";
}
