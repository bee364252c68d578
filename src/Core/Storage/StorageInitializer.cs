using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Microstructures.Core.Storage;

// Creates tables, containers and queues once per process, on first use: an instance may start
// against a fresh account (Azurite in-memory, a new environment) and must not fail on a missing table.
public sealed class StorageInitializer(TableServiceClient tables, BlobServiceClient blobs, QueueServiceClient queues)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _created = new(StringComparer.Ordinal);

    public async Task<TableClient> TableAsync(string name, CancellationToken cancellationToken = default)
    {
        var client = tables.GetTableClient(name);
        await EnsureAsync("table:" + name, () => client.CreateIfNotExistsAsync(cancellationToken));
        return client;
    }

    public async Task<BlobContainerClient> ContainerAsync(string name, CancellationToken cancellationToken = default)
    {
        var client = blobs.GetBlobContainerClient(name);
        await EnsureAsync("blob:" + name, () => client.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        return client;
    }

    public async Task<QueueClient> QueueAsync(string name, CancellationToken cancellationToken = default)
    {
        var client = queues.GetQueueClient(name);
        await EnsureAsync("queue:" + name, () => client.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        return client;
    }

    private async Task EnsureAsync(string key, Func<Task> create)
    {
        var lazy = _created.GetOrAdd(key, _ => new Lazy<Task>(create));
        try
        {
            await lazy.Value;
        }
        catch
        {
            // A failed creation (storage briefly down) must be tried again by the next caller.
            _created.TryRemove(new KeyValuePair<string, Lazy<Task>>(key, lazy));
            throw;
        }
    }
}
