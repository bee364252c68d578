using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Storage;

namespace Microstructures.Core.ReferenceData;

public sealed class RegionEntity : IOrgUnitEntity
{
    public string PartitionKey { get; set; } = OrgTreeStore.RegionPartition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string Name { get; set; } = "";
    public string? ClosedOn { get; set; }
}

public sealed class NetworkEntity : IOrgUnitEntity
{
    public string PartitionKey { get; set; } = OrgTreeStore.NetworkPartition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string Name { get; set; } = "";
    public string CarryingAssociation { get; set; } = "";
    public string RegionId { get; set; } = "";
    public string AdministrativeCoordinatorEmail { get; set; } = "";
    public string MedicalCoordinatorEmail { get; set; } = "";
    public string? ClosedOn { get; set; }
}

public sealed class MicrostructureEntity : IOrgUnitEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string NetworkId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Town { get; set; } = "";
    public string Postcode { get; set; } = "";
    public string PracticeType { get; set; } = "";
    public string ContactEmails { get; set; } = "";
    public string OpenedOn { get; set; } = "";
    public string? ClosedOn { get; set; }
}

// Where a microstructure id lives, whatever the network: makes ids unique across the nation.
public sealed class MicrostructureIndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = OrgTreeStore.IndexRowKey;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string NetworkId { get; set; } = "";
}

public sealed class TeamEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public int Year { get; set; }
    public int Gps { get; set; }
    public int Psychologists { get; set; }
    public int SocialWorkers { get; set; }
    public int Psychiatrists { get; set; }
}

// Key design, one table "orgtree", partitions chosen per query:
// - PK "region", RK regionId; PK "network", RK networkId: the whole list of each is one small partition.
// - PK "net|<networkId>", RK microstructureId: a network's microstructures in one partition, and the
//   network-key check ("is microstructure M in my network N?") is one point read (N, M).
// - PK "ms|<microstructureId>", RK "network": which network holds M (404 vs 403, staff reads by id);
//   inserted before the microstructure row, so a slug cannot be taken twice across networks.
// - PK "ms|<microstructureId>", RK "team|<year>": team composition per year beside that index.
// Writes go through ETags: Update* throws RequestFailedException 412 when someone changed the row since it was read.
public sealed class OrgTreeStore(StorageInitializer storage)
{
    public const string TableName = "orgtree";
    public const string RegionPartition = "region";
    public const string NetworkPartition = "network";
    public const string IndexRowKey = "network";

    public static string MicrostructurePartition(string networkId) => "net|" + networkId;

    public static string IndexPartition(string microstructureId) => "ms|" + microstructureId;

    public static string TeamRowKey(int year) => "team|" + year.ToString(CultureInfo.InvariantCulture);

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableName, cancellationToken);

    public async Task<IReadOnlyList<RegionEntity>> ListRegionsAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync<RegionEntity>($"PartitionKey eq '{RegionPartition}'", cancellationToken);

    public async Task<IReadOnlyList<NetworkEntity>> ListNetworksAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync<NetworkEntity>($"PartitionKey eq '{NetworkPartition}'", cancellationToken);

    public async Task<IReadOnlyList<MicrostructureEntity>> ListMicrostructuresAsync(string networkId, CancellationToken cancellationToken = default) =>
        await QueryAsync<MicrostructureEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MicrostructurePartition(networkId)}"), cancellationToken);

    // All microstructures: one range scan over the "net|" partitions ('}' sorts right after '|').
    public async Task<IReadOnlyList<MicrostructureEntity>> ListAllMicrostructuresAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync<MicrostructureEntity>("PartitionKey ge 'net|' and PartitionKey lt 'net}'", cancellationToken);

    public async Task<IReadOnlyList<TeamEntity>> ListTeamsAsync(string microstructureId, CancellationToken cancellationToken = default) =>
        await QueryAsync<TeamEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartition(microstructureId)} and RowKey ge {"team|"} and RowKey lt {"team}"}"), cancellationToken);

    // Every microstructure's team composition of one year (the indicators' team counts): one scan of the "ms|" partitions.
    public async Task<IReadOnlyList<TeamComposition>> ListTeamsOfYearAsync(int year, CancellationToken cancellationToken = default) =>
        (await QueryAsync<TeamEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {"ms|"} and PartitionKey lt {"ms}"} and RowKey eq {TeamRowKey(year)}"), cancellationToken))
            .Select(t => new TeamComposition(t.PartitionKey["ms|".Length..], t.Year, t.Gps, t.Psychologists, t.SocialWorkers, t.Psychiatrists))
            .ToList();

    public Task<RegionEntity?> GetRegionAsync(string regionId, CancellationToken cancellationToken = default) =>
        GetAsync<RegionEntity>(RegionPartition, regionId, cancellationToken);

    public Task<NetworkEntity?> GetNetworkAsync(string networkId, CancellationToken cancellationToken = default) =>
        GetAsync<NetworkEntity>(NetworkPartition, networkId, cancellationToken);

    public Task<MicrostructureEntity?> GetMicrostructureAsync(string networkId, string microstructureId, CancellationToken cancellationToken = default) =>
        GetAsync<MicrostructureEntity>(MicrostructurePartition(networkId), microstructureId, cancellationToken);

    public async Task<string?> FindNetworkOfMicrostructureAsync(string microstructureId, CancellationToken cancellationToken = default) =>
        (await GetAsync<MicrostructureIndexEntity>(IndexPartition(microstructureId), IndexRowKey, cancellationToken))?.NetworkId;

    public async Task<MicrostructureEntity?> FindMicrostructureAsync(string microstructureId, CancellationToken cancellationToken = default) =>
        await FindNetworkOfMicrostructureAsync(microstructureId, cancellationToken) is { } networkId
            ? await GetMicrostructureAsync(networkId, microstructureId, cancellationToken)
            : null;

    public Task<TeamEntity?> GetTeamAsync(string microstructureId, int year, CancellationToken cancellationToken = default) =>
        GetAsync<TeamEntity>(IndexPartition(microstructureId), TeamRowKey(year), cancellationToken);

    // Adds a new row; false when the key is taken (409 from the service).
    public async Task<bool> TryAddAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, ITableEntity
    {
        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.AddEntityAsync(entity, cancellationToken);
            entity.ETag = response.Headers.ETag ?? entity.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    // Replaces a row only if it is still at entity.ETag; false when someone changed it meanwhile.
    public async Task<bool> TryReplaceAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, ITableEntity
    {
        ArgumentNullException.ThrowIfNull(entity);
        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            entity.ETag = response.Headers.ETag ?? entity.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    // A microstructure claims its id in the index first, then gets its row. A half-finished earlier
    // attempt (index written, row missing) is completed rather than refused.
    public async Task<bool> TryAddMicrostructureAsync(MicrostructureEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var index = new MicrostructureIndexEntity { PartitionKey = IndexPartition(entity.RowKey), NetworkId = entity.NetworkId };
        if (!await TryAddAsync(index, cancellationToken)
            && await FindNetworkOfMicrostructureAsync(entity.RowKey, cancellationToken) != entity.NetworkId)
        {
            return false;
        }
        return await TryAddAsync(entity, cancellationToken);
    }

    private async Task<T?> GetAsync<T>(string partitionKey, string rowKey, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        // Ids come from URLs: a key Table Storage refuses ('/', '#', ...) is simply not there.
        if (!IsStorableKey(partitionKey) || !IsStorableKey(rowKey))
        {
            return null;
        }
        var table = await TableAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<T>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public static bool IsStorableKey(string key) =>
        key.Length is > 0 and <= 512 && !key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    private async Task<List<T>> QueryAsync<T>(string filter, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var table = await TableAsync(cancellationToken);
        var list = new List<T>();
        await foreach (var entity in table.QueryAsync<T>(filter, cancellationToken: cancellationToken))
        {
            list.Add(entity);
        }
        return list;
    }
}
