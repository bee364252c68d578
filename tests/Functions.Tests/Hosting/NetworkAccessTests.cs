using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Tests.ReferenceData;

namespace Microstructures.Functions.Tests.Hosting;

// Every network function, present and future, goes through the same key check: these tests find them
// all in the generated functions.metadata rather than listing them by hand, and call them through the worker.
public sealed class NetworkAccessTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    private sealed record NetworkRoute(string Pattern, string Method, bool Marked);

    private static readonly IReadOnlyList<FunctionEntry> Catalog = FunctionCatalog.Read(typeof(FunctionCatalog).Assembly);

    private static List<NetworkRoute> NetworkRoutes() =>
        FunctionsOutput.ReadMetadata()
            .Where(f => f.IsHttp && FunctionCatalog.IsUnder(f.Route, FunctionCatalog.NetworkPrefix))
            .SelectMany(f => f.Methods.Select(m => new NetworkRoute(f.Route!, m, Catalog.Single(e => e.EntryPoint == f.EntryPoint).Access == FunctionAccess.Network)))
            .ToList();

    private static string Fill(string pattern, string networkId, string microstructureId) =>
        FunctionsOutput.Fill(pattern, new Dictionary<string, string> { ["networkId"] = networkId, ["microstructureId"] = microstructureId });

    private static HttpRequestMessage Request(NetworkRoute route, string path, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
        if (route.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("""{"gps":1,"psychologists":1,"socialWorkers":1,"psychiatrists":0}""", Encoding.UTF8, "application/json");
        }
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }
        return request;
    }

    [Fact]
    public async Task EveryNetworkRouteIsBehindTheNetworkKeyAndRefusesNoUnknownOrRevokedKeys()
    {
        var staff = app.CreateStaffClient();
        await OrgTreeApi.CreateRegionAsync(staff, "na-region");
        await OrgTreeApi.CreateNetworkAsync(staff, "na-rms", "na-region");
        await OrgTreeApi.CreateMicrostructureAsync(staff, "na-ms", "na-rms");
        var revoked = await OrgTreeApi.IssueKeyAsync(staff, "na-rms");
        var keys = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/networks/na-rms/keys");
        var keyId = keys!.AsArray()[0]!["keyId"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/manage/networks/na-rms/keys/{keyId}/revoke", null)).StatusCode);
        var routes = NetworkRoutes();
        var client = app.CreateClient();

        Assert.NotEmpty(routes);
        foreach (var route in routes)
        {
            Assert.True(route.Marked, $"{route.Method} {route.Pattern} is not marked [NetworkAccess]");
            var path = Fill(route.Pattern, "na-rms", "na-ms");
            foreach (var key in new string?[] { null, "rms_inconnue", revoked, FunctionsHost.StaffKey })
            {
                var response = await client.SendAsync(Request(route, path, key));
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{route.Method} {path} with key '{key?[..Math.Min(6, key.Length)]}' answered {(int)response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        // Nothing was written by the refused calls.
        var microstructure = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/microstructures/na-ms");
        Assert.Empty(microstructure!["teams"]!.AsArray());
    }

    [Fact]
    public async Task ANetworkKeyCannotReadOrWriteAnotherNetworksMicrostructureOnAnyNetworkRoute()
    {
        var staff = app.CreateStaffClient();
        await OrgTreeApi.CreateRegionAsync(staff, "x-region");
        await OrgTreeApi.CreateNetworkAsync(staff, "x-first", "x-region", "Premier réseau");
        await OrgTreeApi.CreateNetworkAsync(staff, "x-second", "x-region", "Second réseau");
        await OrgTreeApi.CreateMicrostructureAsync(staff, "x-first-ms", "x-first");
        await OrgTreeApi.CreateMicrostructureAsync(staff, "x-second-ms", "x-second");
        var secondKey = await OrgTreeApi.IssueKeyAsync(staff, "x-second");
        var client = app.CreateClient();
        var scoped = NetworkRoutes().Where(r => r.Pattern.Contains("{microstructureId", StringComparison.Ordinal) || r.Pattern.Contains("{networkId", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(scoped);
        foreach (var route in scoped)
        {
            var foreign = Fill(route.Pattern, "x-first", "x-first-ms");
            var refused = await client.SendAsync(Request(route, foreign, secondKey));
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{route.Method} {foreign} answered {(int)refused.StatusCode}");
            Assert.Contains("son propre réseau", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            var own = Fill(route.Pattern, "x-second", "x-second-ms");
            var allowed = await client.SendAsync(Request(route, own, secondKey));
            Assert.True(allowed.IsSuccessStatusCode, $"{route.Method} {own} answered {(int)allowed.StatusCode}");
        }
        var first = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/microstructures/x-first-ms");
        Assert.Empty(first!["teams"]!.AsArray());
    }

    [Fact]
    public async Task ANetworkSeesOnlyItsOwnMicrostructuresAndItsChangesAreAuditedWithItsKey()
    {
        var staff = app.CreateStaffClient();
        await OrgTreeApi.CreateRegionAsync(staff, "own-region");
        await OrgTreeApi.CreateNetworkAsync(staff, "own-a", "own-region");
        await OrgTreeApi.CreateNetworkAsync(staff, "own-b", "own-region");
        await OrgTreeApi.CreateMicrostructureAsync(staff, "own-a-ms", "own-a", "Cabinet A");
        await OrgTreeApi.CreateMicrostructureAsync(staff, "own-b-ms", "own-b", "Cabinet B");
        var key = await OrgTreeApi.IssueKeyAsync(staff, "own-a");
        var network = app.CreateClient().WithBearer(key);

        var list = await OrgTreeApi.GetJsonAsync(network, "/api/network/microstructures");
        var unknown = await network.GetAsync("/api/network/microstructures/nulle-part");
        var team = await network.PutAsJsonAsync("/api/network/microstructures/own-a-ms/teams/2026", new { gps = 2, psychologists = 1, socialWorkers = 1, psychiatrists = 1 });

        Assert.Equal(["own-a-ms"], list!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, team.StatusCode);
        var trail = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/audit/microstructure/own-a-ms");
        var entry = trail!.AsArray().First()!;
        Assert.Equal("networkKey", entry["actorKind"]!.GetValue<string>());
        Assert.Equal("own-a", entry["actorNetworkId"]!.GetValue<string>());
        Assert.Equal("2", entry["changes"]!["gps"]!["after"]!.GetValue<string>());
    }

    [Fact]
    public async Task KeysAreShownOnceStoredHashedRotatableAndRevokedImmediately()
    {
        var staff = app.CreateStaffClient();
        await OrgTreeApi.CreateRegionAsync(staff, "rot-region");
        await OrgTreeApi.CreateNetworkAsync(staff, "rot-rms", "rot-region");
        var oldKey = await OrgTreeApi.IssueKeyAsync(staff, "rot-rms");
        var newKey = await OrgTreeApi.IssueKeyAsync(staff, "rot-rms");

        Assert.StartsWith("rms_", oldKey, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().WithBearer(oldKey).GetAsync("/api/network/microstructures")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().WithBearer(newKey).GetAsync("/api/network/microstructures")).StatusCode);

        var listed = await staff.GetStringAsync("/api/manage/networks/rot-rms/keys");
        Assert.DoesNotContain(oldKey[4..], listed, StringComparison.Ordinal);
        Assert.DoesNotContain(newKey[4..], listed, StringComparison.Ordinal);
        var keys = (await OrgTreeApi.GetJsonAsync(staff, "/api/manage/networks/rot-rms/keys"))!.AsArray();
        Assert.All(keys, k => Assert.NotNull(k!["lastUsedAt"]));
        var oldId = keys.Single(k => k!["hint"]!.GetValue<string>().StartsWith(oldKey[..8], StringComparison.Ordinal))!["keyId"]!.GetValue<string>();

        await staff.PostAsync($"/api/manage/networks/rot-rms/keys/{oldId}/revoke", null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().WithBearer(oldKey).GetAsync("/api/network/microstructures")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().WithBearer(newKey).GetAsync("/api/network/microstructures")).StatusCode);
        var trail = await staff.GetStringAsync("/api/manage/audit/network/rot-rms");
        Assert.Contains("keyRevoked", trail, StringComparison.Ordinal);
        Assert.Contains("keyIssued", trail, StringComparison.Ordinal);
    }

    // A closed network's keys open nothing any more, on every network route: the rule is in the key
    // check itself, so a key issued before the closing (or while it happened) is refused all the same.
    [Fact]
    public async Task AClosedNetworksKeysAreRefusedOnEveryNetworkRoute()
    {
        var staff = app.CreateStaffClient();
        await OrgTreeApi.CreateRegionAsync(staff, "ferme-region");
        await OrgTreeApi.CreateNetworkAsync(staff, "ferme-rms", "ferme-region");
        await OrgTreeApi.CreateMicrostructureAsync(staff, "ferme-ms", "ferme-rms");
        var key = await OrgTreeApi.IssueKeyAsync(staff, "ferme-rms");
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().WithBearer(key).GetAsync("/api/network/microstructures/ferme-ms")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync("/api/manage/microstructures/ferme-ms/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync("/api/manage/networks/ferme-rms/close", null)).StatusCode);

        foreach (var route in NetworkRoutes())
        {
            var path = Fill(route.Pattern, "ferme-rms", "ferme-ms");
            var response = await client.SendAsync(Request(route, path, key));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{route.Method} {path} answered {(int)response.StatusCode} to a closed network's key");
        }
    }
}
