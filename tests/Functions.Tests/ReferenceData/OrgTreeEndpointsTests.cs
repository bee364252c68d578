using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Microstructures.Functions.Tests.ReferenceData;

public sealed class OrgTreeEndpointsTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    private static readonly string[] TwoContacts = ["accueil@example.org", "secretariat@example.org"];
    private static readonly string[] NewestFirst = ["closed", "updated", "created"];

    [Fact]
    public async Task StaffCreatesReadsUpdatesAndClosesTheTree()
    {
        var staff = app.CreateStaffClient();

        await OrgTreeApi.CreateRegionAsync(staff, "crud-grand-est");
        await OrgTreeApi.CreateNetworkAsync(staff, "crud-rms", "crud-grand-est");
        var created = await OrgTreeApi.CreateMicrostructureAsync(staff, "crud-acacias", "crud-rms");

        var read = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/microstructures/crud-acacias");
        Assert.Equal("Cabinet des Acacias", read!["name"]!.GetValue<string>());
        Assert.Equal("crud-rms", read["networkId"]!.GetValue<string>());

        var update = await staff.PutAsJsonAsync("/api/manage/microstructures/crud-acacias", new
        {
            networkId = "crud-rms", name = "MSP des Acacias", town = "Strasbourg", postcode = "67100", practiceType = "msp",
            contactEmails = TwoContacts, openedOn = "2021-01-15",
            version = created["version"]!.GetValue<string>(),
        });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var updated = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/microstructures/crud-acacias");
        Assert.Equal("MSP des Acacias", updated!["name"]!.GetValue<string>());
        Assert.Equal("msp", updated["practiceType"]!.GetValue<string>());

        var team = await staff.PutAsJsonAsync("/api/manage/microstructures/crud-acacias/teams/2025", new { gps = 3, psychologists = 1, socialWorkers = 1, psychiatrists = 0 });
        Assert.Equal(HttpStatusCode.OK, team.StatusCode);
        var withTeam = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/microstructures/crud-acacias");
        Assert.Equal(3, withTeam!["teams"]![0]!["gps"]!.GetValue<int>());

        // A network with an open microstructure cannot be closed; once it is closed, it can.
        var refused = await staff.PostAsJsonAsync("/api/manage/networks/crud-rms/close", new { });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        // Named as staff know it, not by its id.
        var refusal = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("«\u00a0MSP des Acacias\u00a0»", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("crud-acacias", refusal, StringComparison.Ordinal);

        var closeMs = await staff.PostAsJsonAsync("/api/manage/microstructures/crud-acacias/close", new { closedOn = "2026-06-30" });
        Assert.Equal(HttpStatusCode.OK, closeMs.StatusCode);
        var closeNetwork = await staff.PostAsJsonAsync("/api/manage/networks/crud-rms/close", new { });
        Assert.Equal(HttpStatusCode.OK, closeNetwork.StatusCode);

        // Closed, never deleted: still readable, with its closing date (today in Paris for the network).
        var closed = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/microstructures/crud-acacias");
        Assert.Equal("2026-06-30", closed!["closedOn"]!.GetValue<string>());
        var network = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/networks/crud-rms");
        var parisToday = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(parisToday, network!["closedOn"]!.GetValue<string>());

        // No new microstructure in a closed network.
        var late = await staff.PostAsJsonAsync("/api/manage/microstructures", OrgTreeApi.Microstructure("crud-late", "crud-rms"));
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Contains("est fermé", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTreeNestsMicrostructuresUnderTheirNetworkAndRegion()
    {
        var staff = app.CreateStaffClient();
        await OrgTreeApi.CreateRegionAsync(staff, "tree-occitanie", "Occitanie");
        await OrgTreeApi.CreateNetworkAsync(staff, "tree-rms", "tree-occitanie");
        await OrgTreeApi.CreateMicrostructureAsync(staff, "tree-ms", "tree-rms", "Cabinet du Canal");

        var tree = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/tree");

        var region = tree!["regions"]!.AsArray().Single(r => r!["region"]!["id"]!.GetValue<string>() == "tree-occitanie")!;
        Assert.Equal("Cabinet du Canal", region["networks"]![0]!["microstructures"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task BadInputIsRefusedFieldByFieldInFrenchAndStoresNothing()
    {
        var staff = app.CreateStaffClient();
        await OrgTreeApi.CreateRegionAsync(staff, "bad-region");

        var response = await staff.PostAsJsonAsync("/api/manage/networks", new
        {
            id = "Bad Id!", name = "", carryingAssociation = "Asso", regionId = "bad-region",
            administrativeCoordinatorEmail = "pas-un-email", medicalCoordinatorEmail = "medecin@example.org",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await OrgTreeApi.ReadAsync(response))!["errors"]!.AsObject();
        Assert.Contains("name", errors.Select(e => e.Key));
        Assert.Contains("administrativeCoordinatorEmail", errors.Select(e => e.Key));
        Assert.Contains("Indiquez", errors["name"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var networks = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/networks?regionId=bad-region");
        Assert.Empty(networks!.AsArray());
    }

    [Fact]
    public async Task UnknownIdsAnswer404InFrenchAndDuplicatesAnswer409()
    {
        var staff = app.CreateStaffClient();
        await OrgTreeApi.CreateRegionAsync(staff, "dup-region");

        var missing = await staff.GetAsync("/api/manage/microstructures/nulle-part");
        var duplicate = await staff.PostAsJsonAsync("/api/manage/regions", new { id = "dup-region", name = "Autre nom" });

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Aucune microstructure", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var region = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/regions/dup-region");
        Assert.Equal("Grand Est", region!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task AStaleVersionCannotOverwriteSomeoneElsesEdit()
    {
        var staff = app.CreateStaffClient();
        var region = await OrgTreeApi.CreateRegionAsync(staff, "etag-region", "Hauts-de-France");
        var version = region["version"]!.GetValue<string>();

        var first = await staff.PutAsJsonAsync("/api/manage/regions/etag-region", new { name = "Hauts de France", version });
        var second = await staff.PutAsJsonAsync("/api/manage/regions/etag-region", new { name = "HDF", version });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var stored = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/regions/etag-region");
        Assert.Equal("Hauts de France", stored!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task EveryStaffChangeIsInTheEntitysAuditTrailAndARepeatedRequestAddsNothing()
    {
        var staff = app.CreateStaffClient();
        await OrgTreeApi.CreateRegionAsync(staff, "audit-region", "Bretagne");
        await staff.PutAsJsonAsync("/api/manage/regions/audit-region", new { name = "Bretagne (test)" });
        await staff.PutAsJsonAsync("/api/manage/regions/audit-region", new { name = "Bretagne (test)" });
        await staff.PostAsJsonAsync("/api/manage/regions/audit-region/close", new { });
        await staff.PostAsJsonAsync("/api/manage/regions/audit-region/close", new { });

        var trail = (await OrgTreeApi.GetJsonAsync(staff, "/api/manage/audit/region/audit-region"))!.AsArray();

        Assert.Equal(NewestFirst, trail.Select(e => e!["action"]!.GetValue<string>()));
        Assert.All(trail, e => Assert.Equal("staff", e!["actorKind"]!.GetValue<string>()));
        Assert.Equal("Bretagne (test)", trail[1]!["changes"]!["name"]!["after"]!.GetValue<string>());
        Assert.Equal("Bretagne", trail[1]!["changes"]!["name"]!["before"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARegionWithOpenNetworksIsNotClosedAndTheRefusalNamesThem()
    {
        var staff = app.CreateStaffClient();
        await OrgTreeApi.CreateRegionAsync(staff, "named-region", "Bretagne");
        await OrgTreeApi.CreateNetworkAsync(staff, "named-rms-a", "named-region", "RMS d'Armor");
        await OrgTreeApi.CreateNetworkAsync(staff, "named-rms-b", "named-region", "RMS du Léon");

        var refused = await staff.PostAsJsonAsync("/api/manage/regions/named-region/close", new { });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("«\u00a0RMS d'Armor\u00a0»", detail, StringComparison.Ordinal);
        Assert.Contains("«\u00a0RMS du Léon\u00a0»", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("named-rms", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheManageApiRefusesCallersWithoutTheStaffKey()
    {
        var anonymous = app.CreateClient();

        var list = await anonymous.GetAsync("/api/manage/regions");
        var create = await anonymous.PostAsJsonAsync("/api/manage/regions", new { id = "intrus", name = "Intrus" });

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        var regions = await OrgTreeApi.GetJsonAsync(app.CreateStaffClient(), "/api/manage/regions");
        Assert.DoesNotContain(regions!.AsArray(), r => r!["id"]!.GetValue<string>() == "intrus");
    }
}
