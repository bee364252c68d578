using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.NetworkKeys;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Storage;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.ReferenceData;

public sealed class OrgTreeServiceTests(Azurite azurite) : IClassFixture<Azurite>
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    private (OrgTreeService Tree, NetworkKeyService Keys, OrgTreeStore Store) Create()
    {
        var storage = new StorageInitializer(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString), new QueueServiceClient(azurite.ConnectionString));
        var store = new OrgTreeStore(storage);
        var audit = new AuditTrail(storage, _time);
        var tree = new OrgTreeService(store, audit, _time,
            new RegionUnits(store, audit, _time, NullLogger<RegionUnits>.Instance),
            new NetworkUnits(store, audit, _time, NullLogger<NetworkUnits>.Instance),
            new MicrostructureUnits(store, audit, _time, NullLogger<MicrostructureUnits>.Instance));
        var keys = new NetworkKeyService(new NetworkKeyStore(storage), store, audit, _time, NullLogger<NetworkKeyService>.Instance);
        return (tree, keys, store);
    }

    private static async Task SeedAsync(OrgTreeService tree, string suffix)
    {
        Assert.True((await tree.CreateRegionAsync(new RegionInput("r-" + suffix, "Région " + suffix), Actor.Staff)).IsSuccess);
        foreach (var network in new[] { "a-" + suffix, "b-" + suffix })
        {
            var created = await tree.CreateNetworkAsync(new NetworkInput(network, "Réseau " + network, "Asso", "r-" + suffix, "coord@example.org", "med@example.org"), Actor.Staff);
            Assert.True(created.IsSuccess);
        }
    }

    private static MicrostructureInput Microstructure(string id, string networkId) =>
        new(id, networkId, "Cabinet " + id, "Lille", "59000", "cabinet", ["accueil@example.org"], "2023-05-01");

    [Fact]
    public async Task AMicrostructureIdCannotBeTakenTwiceEvenInAnotherNetwork()
    {
        var (tree, _, _) = Create();
        await SeedAsync(tree, "uniq");

        var first = await tree.CreateMicrostructureAsync(Microstructure("uniq-ms", "a-uniq"), Actor.Staff);
        var second = await tree.CreateMicrostructureAsync(Microstructure("uniq-ms", "b-uniq"), Actor.Staff);

        Assert.True(first.IsSuccess);
        Assert.Equal(ResultKind.Conflict, second.Kind);
        Assert.Equal("a-uniq", (await tree.GetMicrostructureAsync("uniq-ms")).Value!.NetworkId);
        Assert.Empty((await tree.ListMicrostructuresAsync("b-uniq")).Value!);
    }

    [Fact]
    public async Task AccessIsAllowedOnlyToTheOwnNetworksMicrostructures()
    {
        var (tree, _, _) = Create();
        await SeedAsync(tree, "acc");
        await tree.CreateMicrostructureAsync(Microstructure("acc-ms", "a-acc"), Actor.Staff);

        Assert.Equal(MicrostructureAccess.Allowed, await tree.CheckAccessAsync("a-acc", "acc-ms"));
        Assert.Equal(MicrostructureAccess.OtherNetwork, await tree.CheckAccessAsync("b-acc", "acc-ms"));
        Assert.Equal(MicrostructureAccess.Unknown, await tree.CheckAccessAsync("a-acc", "inexistante"));
        Assert.Equal(MicrostructureAccess.Unknown, await tree.CheckAccessAsync("a-acc", "../a-acc"));
    }

    [Fact]
    public async Task AKeyIsStoredOnlyAsItsHashAndStopsWorkingOnceRevoked()
    {
        var (tree, keys, _) = Create();
        await SeedAsync(tree, "key");
        var issued = (await keys.IssueAsync("a-key", new NetworkKeyInput("Test"), Actor.Staff)).Value!;
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(NetworkKeyStore.TableName);
        var everything = string.Join("\n", table.Query<TableEntity>().Select(e => string.Join(";", e.Select(p => p.Key + "=" + p.Value))));

        Assert.DoesNotContain(issued.Secret, everything, StringComparison.Ordinal);
        Assert.Contains(NetworkKeyService.Hash(issued.Secret), everything, StringComparison.Ordinal);
        Assert.Equal(new NetworkIdentity("a-key", issued.Key.KeyId), await keys.AuthenticateAsync(issued.Secret));

        await keys.RevokeAsync("a-key", issued.Key.KeyId, Actor.Staff);

        Assert.Null(await keys.AuthenticateAsync(issued.Secret));
        Assert.Null(await keys.AuthenticateAsync("rms_" + new string('A', 43)));
    }

    [Fact]
    public async Task AKeyLabelIsOneLine()
    {
        var (tree, keys, _) = Create();
        await SeedAsync(tree, "label");

        var result = await keys.IssueAsync("a-label", new NetworkKeyInput("Logiciel\r\nX"), Actor.Staff);

        Assert.Equal(["label"], result.Errors.Keys);
    }
}
