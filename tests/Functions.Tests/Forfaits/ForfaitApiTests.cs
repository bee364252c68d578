using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microstructures.Functions.Tests.ReferenceData;

namespace Microstructures.Functions.Tests.Forfaits;

// The forfait API through the real worker under the DevHost: a network's inclusions, renewals and
// closures with its key, the refusals (identifying data, another network, malformed bodies), the CSV
// import and export, the figures.
public sealed class ForfaitApiTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    [Fact]
    public async Task ANetworkIncludesRenewsFromThePreviousEndOnceAndClosesWithAReasonFromTheList()
    {
        var staff = app.CreateStaffClient();
        var net = await ForfaitNetwork.CreateAsync(staff, "api");
        var client = app.CreateClient().WithBearer(net.Key);

        var created = await net.IncludeEndingInAsync(client, "P-0042", 20);
        var again = await client.PostAsJsonAsync("/api/network/forfaits", new { microstructureId = net.MicrostructureId, pseudonym = "p-0042", schemeId = "Equip'Addict", inclusionDate = created["inclusionDate"]!.GetValue<string>() });
        var id = created["id"]!.GetValue<string>();
        var end = DateOnly.Parse(created["currentPeriod"]!["end"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal("Active", created["status"]!.GetValue<string>());
        Assert.Equal(806m, created["currentPeriod"]!["amountEuros"]!.GetValue<decimal>());
        Assert.Equal(ForfaitNetwork.Today().AddDays(20), end);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(id, (await OrgTreeApi.ReadAsync(again))!["id"]!.GetValue<string>());

        var renewed = await client.PostAsJsonAsync($"/api/network/forfaits/{id}/renewals", new { period = 1 });
        var retried = await client.PostAsJsonAsync($"/api/network/forfaits/{id}/renewals", new { period = 1 });
        var period = (await OrgTreeApi.ReadAsync(renewed))!["currentPeriod"]!;

        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(2, period["number"]!.GetValue<int>());
        Assert.Equal(end.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), period["start"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(2, (await OrgTreeApi.ReadAsync(retried))!["currentPeriod"]!["number"]!.GetValue<int>());

        var badReason = await client.PostAsJsonAsync($"/api/network/forfaits/{id}/closure", new { reason = "parti" });
        var closed = await client.PostAsJsonAsync($"/api/network/forfaits/{id}/closure", new { reason = "moved" });

        Assert.Equal(HttpStatusCode.BadRequest, badReason.StatusCode);
        Assert.Contains("Déménagement du patient", (await OrgTreeApi.ReadAsync(badReason))!["errors"]!["reason"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var closedForfait = (await OrgTreeApi.ReadAsync(closed))!;
        Assert.Equal("Closed", closedForfait["status"]!.GetValue<string>());
        Assert.Equal("Déménagement du patient", closedForfait["closureReasonLabel"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("idmail", "pseudonym", "jean.dupont@example.org")]
    [InlineData("idnir", "pseudonym", "1 85 05 78 006 084 36")]
    [InlineData("idtel", "pseudonym", "06 12 34 56 78")]
    [InlineData("idbirth", "pseudonym", "12031985")]
    public async Task IdentifyingDataIsRefusedNamingTheFieldAndNothingIsStored(string prefix, string field, string value)
    {
        var staff = app.CreateStaffClient();
        var net = await ForfaitNetwork.CreateAsync(staff, prefix);
        var client = app.CreateClient().WithBearer(net.Key);

        var response = await client.PostAsJsonAsync("/api/network/forfaits", new { microstructureId = net.MicrostructureId, pseudonym = value, schemeId = "equip-addict", inclusionDate = ForfaitNetwork.Today().AddDays(-10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((await OrgTreeApi.ReadAsync(response))!["errors"]![field]);
        Assert.Empty((await OrgTreeApi.GetJsonAsync(client, "/api/network/forfaits"))!.AsArray());
    }

    [Fact]
    public async Task ANetworkReachesNeitherAnotherNetworksMicrostructureNorItsForfaits()
    {
        var staff = app.CreateStaffClient();
        var mine = await ForfaitNetwork.CreateAsync(staff, "own");
        var theirs = await ForfaitNetwork.CreateAsync(staff, "other");
        var their = await theirs.IncludeEndingInAsync(app.CreateClient().WithBearer(theirs.Key), "Q-0007", 40);
        var client = app.CreateClient().WithBearer(mine.Key);
        var id = their["id"]!.GetValue<string>();

        var include = await client.PostAsJsonAsync("/api/network/forfaits", new { microstructureId = theirs.MicrostructureId, pseudonym = "R-0001", schemeId = "equip-addict", inclusionDate = ForfaitNetwork.Today().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        var read = await client.GetAsync($"/api/network/forfaits/{id}");
        var renew = await client.PostAsJsonAsync($"/api/network/forfaits/{id}/renewals", new { period = 1 });
        var close = await client.PostAsJsonAsync($"/api/network/forfaits/{id}/closure", new { reason = "moved" });
        var list = await client.GetAsync($"/api/network/forfaits?microstructureId={theirs.MicrostructureId}");
        var figures = await client.GetAsync($"/api/network/forfait-figures?level=microstructure&id={theirs.MicrostructureId}");

        Assert.Equal(HttpStatusCode.BadRequest, include.StatusCode);
        Assert.Contains("n'appartient pas à votre réseau", await include.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            new[] { read.StatusCode, renew.StatusCode, close.StatusCode, list.StatusCode, figures.StatusCode });
        var untouched = await OrgTreeApi.GetJsonAsync(app.CreateClient().WithBearer(theirs.Key), $"/api/network/forfaits/{id}");
        Assert.Equal("Active", untouched!["status"]!.GetValue<string>());
        Assert.Equal(1, untouched["currentPeriod"]!["number"]!.GetValue<int>());
    }

    [Fact]
    public async Task MalformedBodiesAre4xxNever5xx()
    {
        var staff = app.CreateStaffClient();
        var net = await ForfaitNetwork.CreateAsync(staff, "bad");
        var client = app.CreateClient().WithBearer(net.Key);
        var id = (await net.IncludeEndingInAsync(client, "B-0001", 50))["id"]!.GetValue<string>();

        foreach (var (path, content) in new (string, HttpContent)[]
        {
            ("/api/network/forfaits", new StringContent("{pas du json", Encoding.UTF8, "application/json")),
            ("/api/network/forfaits", new StringContent("pseudonym=A-1", Encoding.UTF8, "text/plain")),
            ("/api/network/forfaits", new StringContent("""{"pseudonym": 12, "inclusionDate": []}""", Encoding.UTF8, "application/json")),
            ($"/api/network/forfaits/{id}/renewals", new StringContent("""{"period": "deux"}""", Encoding.UTF8, "application/json")),
            ($"/api/network/forfaits/{id}/closure", new StringContent("[]", Encoding.UTF8, "application/json")),
            ($"/api/network/forfaits/{id}/snooze", new StringContent("{", Encoding.UTF8, "application/json")),
            ("/api/network/forfait-import", new ByteArrayContent([0xFF, 0xFE, 0x00, 0xD8, 0x41])),
            ("/api/network/forfait-import", new ByteArrayContent([])),
            ("/api/forfaits/reminders/dinconnu?token=faux", new StringContent("{}", Encoding.UTF8, "application/json")),
        })
        {
            var response = await client.PostAsync(path, content);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"POST {path} answered {(int)response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.GetAsync("/api/manage/forfaits/reminders/preview?date=demain")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.GetAsync("/api/manage/forfaits/figures?level=planete")).StatusCode);
    }

    [Fact]
    public async Task AnImportedFileGivesForfaitsItsExportImportsBackUnchangedAndIdentifyingColumnsRefuseTheWholeFile()
    {
        var staff = app.CreateStaffClient();
        var net = await ForfaitNetwork.CreateAsync(staff, "csv");
        var client = app.CreateClient().WithBearer(net.Key);
        var today = ForfaitNetwork.Today();
        var csv = $"microstructure_id;pseudonyme;dispositif;date_inclusion\r\n{net.MicrostructureId};C-0001;Equip'Addict;{today.AddYears(-2).AddDays(20):yyyy-MM-dd}\r\n{net.MicrostructureId};C-0002;sante-mentale;{today.AddMonths(-3):yyyy-MM-dd}\r\n";
        var refused = "microstructure_id;pseudonyme;dispositif;date_inclusion;nom\r\n" + $"{net.MicrostructureId};C-0003;equip-addict;{today.AddMonths(-1):yyyy-MM-dd};Dupont\r\n";

        var identifying = await client.PostAsync("/api/network/forfait-import", new StringContent(refused, Encoding.UTF8, "text/csv"));
        var imported = await client.PostAsync("/api/network/forfait-import", new ByteArrayContent(Encoding.Latin1.GetBytes(csv)));
        var report = (await OrgTreeApi.ReadAsync(imported))!;

        Assert.Equal(HttpStatusCode.BadRequest, identifying.StatusCode);
        Assert.Contains("Ligne 2, colonne « nom »", await identifying.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(2, report["created"]!.GetValue<int>());
        Assert.Empty(report["errors"]!.AsArray());

        var export = await client.GetAsync("/api/network/forfaits.csv");
        var bytes = await export.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(bytes);

        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Contains("C-0001;equip-addict", text, StringComparison.Ordinal);
        Assert.Contains("C-0002;sante-mentale", text, StringComparison.Ordinal);
        Assert.DoesNotContain("C-0003", text, StringComparison.Ordinal);
        Assert.Equal(3, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

        var reimported = (await OrgTreeApi.ReadAsync(await client.PostAsync("/api/network/forfait-import", new ByteArrayContent(bytes))))!;
        Assert.Equal(0, reimported["created"]!.GetValue<int>());
        Assert.Equal(2, reimported["existing"]!.GetValue<int>());
        Assert.Equal(2, (await OrgTreeApi.GetJsonAsync(client, "/api/network/forfaits"))!.AsArray().Count);
    }

    [Fact]
    public async Task FiguresCountTheMoneyAtStakeForTheNetworkAndTheNation()
    {
        var staff = app.CreateStaffClient();
        var net = await ForfaitNetwork.CreateAsync(staff, "fig");
        var client = app.CreateClient().WithBearer(net.Key);
        await net.IncludeEndingInAsync(client, "F-0001", 10);
        await net.IncludeEndingInAsync(client, "F-0002", 25);
        await net.IncludeEndingInAsync(client, "F-0003", 200);

        var own = (await OrgTreeApi.GetJsonAsync(client, "/api/network/forfait-figures"))!;
        var nation = (await OrgTreeApi.GetJsonAsync(staff, "/api/manage/forfaits/figures?level=nation"))!;
        var byStaff = (await OrgTreeApi.GetJsonAsync(staff, $"/api/manage/forfaits/figures?level=network&id={net.NetworkId}"))!;

        Assert.Equal("Network", own["level"]!.GetValue<string>());
        Assert.Equal(3, own["values"]!["active"]!.GetValue<int>());
        Assert.Equal(2, own["values"]!["dueWithin30Days"]!.GetValue<int>());
        Assert.Equal(1612m, own["values"]!["eurosAtStake"]!.GetValue<decimal>());
        Assert.Equal(net.MicrostructureId, own["children"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(OrgTreeApi.Canonical(own), OrgTreeApi.Canonical(byStaff));
        Assert.Equal("Nation", nation["level"]!.GetValue<string>());
        Assert.True(nation["values"]!["active"]!.GetValue<int>() >= 3);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/network/forfait-figures?level=nation")).StatusCode);
    }
}
