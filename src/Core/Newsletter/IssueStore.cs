using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Newsletter;

// The issues (key design on IssueEntity) and their bodies.
public sealed class IssueStore(StorageInitializer storage)
{
    public const string TableName = "newsletterissues";
    public const string Partition = "issue";
    public const string ContainerName = "newsletter-issues";

    public async Task<IssueEntity?> GetAsync(NewsletterMonth month, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<IssueEntity>(Partition, month.ToString(), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task<IReadOnlyList<IssueEntity>> ListAsync(CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        var list = new List<IssueEntity>();
        await foreach (var row in table.QueryAsync<IssueEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            list.Add(row);
        }
        return list;
    }

    public async Task<bool> TryAddAsync(IssueEntity entity, CancellationToken cancellationToken = default) =>
        await (await storage.TableAsync(TableName, cancellationToken)).TryAddAsync(entity, cancellationToken);

    public async Task<bool> TryUpdateAsync(IssueEntity entity, CancellationToken cancellationToken = default) =>
        await (await storage.TableAsync(TableName, cancellationToken)).TryReplaceAsync(entity, cancellationToken);

    public async Task<bool> TryDeleteAsync(IssueEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var table = await storage.TableAsync(TableName, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(Partition, entity.RowKey, entity.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    // Content-addressed: writing the same body twice is one blob.
    public async Task<string> WriteBodyAsync(string markdown, CancellationToken cancellationToken = default)
    {
        var bytes = Encoding.UTF8.GetBytes(markdown ?? "");
        var name = $"bodies/{Convert.ToHexStringLower(SHA256.HashData(bytes))}.md";
        var container = await storage.ContainerAsync(ContainerName, cancellationToken);
        await container.GetBlobClient(name).UploadAsync(new BinaryData(bytes), overwrite: true, cancellationToken);
        return name;
    }

    public async Task<string> ReadBodyAsync(IssueEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (string.IsNullOrEmpty(entity.BodyBlob))
        {
            return "";
        }
        var container = await storage.ContainerAsync(ContainerName, cancellationToken);
        var content = await container.GetBlobClient(entity.BodyBlob).DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToString();
    }
}
