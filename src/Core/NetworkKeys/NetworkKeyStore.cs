using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Storage;

namespace Microstructures.Core.NetworkKeys;

public sealed class NetworkKeyEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = NetworkKeyStore.KeyRowKey;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string NetworkId { get; set; } = "";
    public string KeyId { get; set; } = "";
    public string Label { get; set; } = "";
    public string Hint { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

public sealed class NetworkKeyPointerEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string KeyHash { get; set; } = "";
}

// Key design, table "networkkeys" (the secret itself is never stored, only its SHA-256):
// - PK "hash|<sha256 hex>", RK "key": the authoritative key record (network, revoked, last used). Every
//   network request is one point read by the hash of the presented key.
// - PK "net|<networkId>", RK keyId: a pointer to that hash, so a network's keys are listed from one partition.
// The record is written before its pointer: a crash between them leaves a key nobody was ever shown.
public sealed class NetworkKeyStore(StorageInitializer storage)
{
    public const string TableName = "networkkeys";
    public const string KeyRowKey = "key";

    public static string HashPartition(string hashHex) => "hash|" + hashHex;

    public static string NetworkPartition(string networkId) => "net|" + networkId;

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableName, cancellationToken);

    public async Task AddAsync(NetworkKeyEntity record, string hashHex, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await TableAsync(cancellationToken);
        record.PartitionKey = HashPartition(hashHex);
        await table.AddEntityAsync(record, cancellationToken);
        await table.AddEntityAsync(new NetworkKeyPointerEntity { PartitionKey = NetworkPartition(record.NetworkId), RowKey = record.KeyId, KeyHash = hashHex }, cancellationToken);
    }

    public async Task<NetworkKeyEntity?> FindByHashAsync(string hashHex, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<NetworkKeyEntity>(HashPartition(hashHex), KeyRowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task<IReadOnlyList<NetworkKeyEntity>> ListAsync(string networkId, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var keys = new List<NetworkKeyEntity>();
        await foreach (var pointer in table.QueryAsync<NetworkKeyPointerEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {NetworkPartition(networkId)}"), cancellationToken: cancellationToken))
        {
            if (await FindByHashAsync(pointer.KeyHash, cancellationToken) is { } record)
            {
                keys.Add(record);
            }
        }
        return keys;
    }

    public async Task<NetworkKeyEntity?> GetAsync(string networkId, string keyId, CancellationToken cancellationToken = default)
    {
        if (!ReferenceData.OrgTreeStore.IsStorableKey(networkId) || !ReferenceData.OrgTreeStore.IsStorableKey(keyId))
        {
            return null;
        }
        var table = await TableAsync(cancellationToken);
        var pointer = await table.GetEntityIfExistsAsync<NetworkKeyPointerEntity>(NetworkPartition(networkId), keyId, cancellationToken: cancellationToken);
        return pointer.HasValue ? await FindByHashAsync(pointer.Value!.KeyHash, cancellationToken) : null;
    }

    // Merge of one property: a revocation and a last-used stamp touching the same row never undo each other.
    public async Task MergeAsync(string partitionKey, string property, DateTimeOffset value, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        await table.UpdateEntityAsync(new TableEntity(partitionKey, KeyRowKey) { [property] = value }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }
}
