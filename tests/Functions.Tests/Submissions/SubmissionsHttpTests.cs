using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microstructures.Core.Submissions;
using Microstructures.Functions.Tests.ReferenceData;
using static Microstructures.Functions.Tests.Submissions.SubmissionApi;

namespace Microstructures.Functions.Tests.Submissions;

// The issue's acceptance through the worker under the DevHost: networks submit CSV (Windows-1252, as
// French Excel saves it) and JSON with their key, the ComputeIndicators queue function computes the
// indicators, which the network, the staff and the public read. Each test has a region of its own.
public sealed class SubmissionsHttpTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    private async Task<(TestNetwork Network, HttpClient Client)> NetworkAsync(string prefix)
    {
        using var staff = app.CreateStaffClient();
        var network = await CreateNetworkAsync(staff, prefix);
        return (network, app.CreateClient().WithBearer(network.Key));
    }

    [Fact]
    public async Task CsvInWindows1252AndJsonGiveTheNetworkRegionAndNationCountsShareOfWomenAndMeanAge()
    {
        var (n, client) = await NetworkAsync("acc");
        using var staff = app.CreateStaffClient();
        var csv = Windows1252(FichesCsv(
            FicheLine(n.First, "PAT-A1", 1980, "Femme"), FicheLine(n.First, "PAT-A2", 1990, "Homme"), FicheLine(n.First, "PAT-A3", 1970, "Femme")));
        var json = FichesJson((n.Second, "PAT-B1", 1960, "female"), (n.Second, "PAT-B2", 2000, "male"), (n.Second, "PAT-B3", 1985, "female"));

        // Sent at the same time: both count.
        var sent = await Task.WhenAll(SubmitOkAsync(client, csv, "text/csv"), SubmitOkAsync(client, json, "application/json"));
        var receipts = await Task.WhenAll(sent.Select(r => WaitProcessedAsync(client, r)));

        Assert.All(sent, r => Assert.Equal("queued", r["status"]!.GetValue<string>()));
        Assert.Equal(["accepted", "accepted"], receipts.Select(r => r["status"]!.GetValue<string>()));
        Assert.Equal([3, 3], receipts.Select(r => r["imported"]!.GetValue<int>()));
        Assert.Equal("windows-1252", receipts[0]["encoding"]!.GetValue<string>(), ignoreCase: true);
        var ages = new[] { 45.0, 35, 55, 65, 25, 40 };
        var mean = ages.Average();
        var sd = Math.Sqrt(ages.Sum(a => (a - mean) * (a - mean)) / (ages.Length - 1));
        var own = await WaitIndicatorsAsync(client, $"/api/network/indicators?level=network&id={n.NetworkId}&year=2025", r => Number(r, "patients") == 6);
        Assert.Equal(6, Number(own, "patients"));
        Assert.False(own["suppressed"]!.GetValue<bool>());
        Assert.Equal(4 * 100.0 / 6, Number(own, "sex.female.share")!.Value, 2);
        Assert.Equal(mean, Number(own, "age.mean")!.Value, 2);
        Assert.Equal(sd, Number(own, "age.sd")!.Value, 2);
        Assert.Equal([3.0, 3.0], new[] { n.First, n.Second }.Select(m => Number(own, "patients", m)!.Value));
        // "Cocaïne" and "Précarité" read from Windows-1252 as from JSON's codes.
        Assert.Equal(6, Number(own, "substance.main.cocaine"));
        Assert.Equal(6, Number(own, "reason.any.precarity"));
        Assert.Contains(own["definitions"]!.AsArray(), d => d!["code"]!.GetValue<string>() == "age.mean" && d["unitLabel"]!.GetValue<string>() == "ans");
        var region = (await OrgTreeApi.GetJsonAsync(staff, $"/api/manage/indicators?level=region&id={n.RegionId}&year=2025"))!.AsObject();
        Assert.Equal(6, Number(region, "patients"));
        Assert.Equal(mean, Number(region, "age.mean")!.Value, 2);
        var nation = (await OrgTreeApi.GetJsonAsync(staff, "/api/manage/indicators?year=2025"))!.AsObject();
        Assert.Equal(6, Number(nation, "patients", n.RegionId));
        Assert.True(Number(nation, "patients") >= 6);
    }

    [Fact]
    public async Task TheSameFileSentAgainIsRecognisedAndChangesNothing()
    {
        var (n, client) = await NetworkAsync("again");
        var csv = Windows1252(FichesCsv(FicheLine(n.First, "PAT-R1", 1980, "Femme"), FicheLine(n.First, "PAT-R2", 1981, "Homme")));
        var first = await WaitProcessedAsync(client, await SubmitOkAsync(client, csv, "text/csv"));
        var path = $"/api/network/indicators?level=network&id={n.NetworkId}&year=2025";
        var before = await WaitIndicatorsAsync(client, path, r => Number(r, "patients") == 2);

        using var again = await SubmitAsync(client, csv, "text/csv");
        var second = (await OrgTreeApi.ReadAsync(again))!;

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(second["alreadyReceived"]!.GetValue<bool>());
        Assert.Equal(first["receiptId"]!.GetValue<string>(), second["receiptId"]!.GetValue<string>());
        Assert.Single((await OrgTreeApi.GetJsonAsync(client, "/api/network/submissions"))!.AsArray());
        Assert.Equal(OrgTreeApi.Canonical(before), OrgTreeApi.Canonical(await OrgTreeApi.GetJsonAsync(client, path)));
    }

    [Fact]
    public async Task AFileWithASocialSecurityNumberIsRefusedWholeNamingItsLineAndFieldAndNothingOfItIsStored()
    {
        var (n, client) = await NetworkAsync("nir");
        var csv = Windows1252(FichesCsv(FicheLine(n.First, "PAT-N1", 1980, "Femme"), FicheLine(n.First, "PAT-N2", 1981, "Homme", income: "185027512345625")));

        using var refused = await SubmitAsync(client, csv, "text/csv");
        var problem = (await OrgTreeApi.ReadAsync(refused))!;

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var reasons = problem["errors"]!["content"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.Contains(reasons, r => r.StartsWith("Ligne 3, colonne « ressources »", StringComparison.Ordinal) && r.Contains("sécurité sociale", StringComparison.Ordinal));
        Assert.Contains(SubmissionMessages.Refused, reasons);
        Assert.Empty((await OrgTreeApi.GetJsonAsync(client, "/api/network/submissions"))!.AsArray());
        var container = new BlobServiceClient(app.Storage).GetBlobContainerClient(RawSubmissionStore.ContainerName);
        var stored = new List<string>();
        if (await container.ExistsAsync())
        {
            await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"raw/{n.NetworkId}/", CancellationToken.None))
            {
                stored.Add(blob.Name);
            }
        }
        Assert.Empty(stored);
    }

    [Fact]
    public async Task ANetworkCannotSubmitForAnotherNetworksMicrostructureNorReadItsReceipts()
    {
        var (mine, client) = await NetworkAsync("mine");
        var (theirs, theirClient) = await NetworkAsync("theirs");
        var csv = Windows1252(FichesCsv(FicheLine(theirs.First, "PAT-X1", 1980, "Femme"), FicheLine(mine.First, "PAT-X2", 1980, "Femme")));

        var receipt = await WaitProcessedAsync(client, await SubmitOkAsync(client, csv, "text/csv"));

        Assert.Equal((1, 1), (receipt["imported"]!.GetValue<int>(), receipt["rejected"]!.GetValue<int>()));
        var error = receipt["errors"]!.AsArray().Single()!;
        Assert.Equal(2, error["line"]!.GetValue<int>());
        Assert.Contains("réseau", error["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        using var foreign = await theirClient.GetAsync(receipt["statusUrl"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using var theirFigures = await client.GetAsync($"/api/network/indicators?level=microstructure&id={theirs.First}&year=2025");
        Assert.Equal(HttpStatusCode.NotFound, theirFigures.StatusCode);
        using var publicMicrostructure = await app.CreateClient().GetAsync($"/api/indicators?level=microstructure&id={mine.First}&year=2025");
        Assert.Equal(HttpStatusCode.NotFound, publicMicrostructure.StatusCode);
    }

    [Fact]
    public async Task AQueueMessageProcessedTwiceChangesNothingAndADryRunStoresNothing()
    {
        var (n, client) = await NetworkAsync("twice");
        var csv = Windows1252(FichesCsv(FicheLine(n.First, "PAT-T1", 1980, "Femme"), FicheLine(n.Second, "PAT-T2", 1990, "Homme")));
        using var dry = await SubmitAsync(client, csv, "text/csv", dryRun: true);
        var plan = (await OrgTreeApi.ReadAsync(dry))!;
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        Assert.Equal((true, 2), (plan["dryRun"]!.GetValue<bool>(), plan["imported"]!.GetValue<int>()));
        Assert.Empty((await OrgTreeApi.GetJsonAsync(client, "/api/network/submissions"))!.AsArray());

        var receipt = await WaitProcessedAsync(client, await SubmitOkAsync(client, csv, "text/csv"));
        var path = $"/api/network/indicators?level=network&id={n.NetworkId}&year=2025";
        var before = await WaitIndicatorsAsync(client, path, r => Number(r, "patients") == 2);

        var outcome = await app.RunFunctionAsync("ComputeIndicators", new JsonObject { ["networkId"] = n.NetworkId, ["receiptId"] = receipt["receiptId"]!.GetValue<string>() }.ToJsonString());

        Assert.True(outcome.GetProperty("succeeded").GetBoolean(), outcome.ToString());
        Assert.Equal(OrgTreeApi.Canonical(receipt), OrgTreeApi.Canonical(await OrgTreeApi.GetJsonAsync(client, receipt["statusUrl"]!.GetValue<string>())));
        Assert.Equal(OrgTreeApi.Canonical(before), OrgTreeApi.Canonical(await OrgTreeApi.GetJsonAsync(client, path)));
    }

    [Fact]
    public async Task TheSchemaTemplateAndLayoutArePublishedAndTheTemplateIsWhatTheReaderReads()
    {
        using var client = app.CreateClient();
        var index = (await OrgTreeApi.GetJsonAsync(client, "/api/submissions/schema"))!;
        var fiches = index["kinds"]!.AsArray().Single(k => k!["kind"]!.GetValue<string>() == "patient-fiches")!;
        using var schema = await client.GetAsync(fiches["jsonSchema"]!.GetValue<string>());
        using var template = await client.GetAsync(fiches["csvTemplate"]!.GetValue<string>());
        var layout = (await OrgTreeApi.GetJsonAsync(client, fiches["csvLayout"]!.GetValue<string>()))!;
        var bytes = await template.Content.ReadAsByteArrayAsync();

        Assert.Equal(Vocabularies.Version, index["vocabularyVersion"]!.GetValue<string>());
        Assert.Equal("application/schema+json", schema.Content.Headers.ContentType?.MediaType);
        Assert.Equal(SubmissionSchema.Id(SubmissionKind.PatientFiches), JsonNode.Parse(await schema.Content.ReadAsStringAsync())!["$id"]!.GetValue<string>());
        Assert.Equal("text/csv", template.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"modele-patient-fiches-{Vocabularies.Version}.csv", template.Content.Headers.ContentDisposition?.FileNameStar ?? template.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        Assert.StartsWith(layout["header"]!.GetValue<string>() + "\r\n", Encoding.UTF8.GetString(bytes[3..]), StringComparison.Ordinal);
        Assert.Equal(";", layout["separator"]!.GetValue<string>());
        using var unknown = await client.GetAsync("/api/submissions/schema/inconnu");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task TheStaffListsReceiptsExportsThePseudonymousDatasetAndRebuildsToTheSameFigures()
    {
        var (n, client) = await NetworkAsync("staff");
        using var staff = app.CreateStaffClient();
        var csv = Windows1252(FichesCsv(FicheLine(n.First, "PAT-S1", 1980, "Femme"), FicheLine(n.Second, "PAT-S2", 1990, "Homme"), "x;PAT-S3;1990;Homme;2025-01-10;equip-addict;Addiction;;;"));
        var receipt = await WaitProcessedAsync(client, await SubmitOkAsync(client, csv, "text/csv"));
        var path = $"/api/manage/indicators?level=network&id={n.NetworkId}&year=2025";
        var before = await WaitIndicatorsAsync(staff, path, r => Number(r, "patients") == 2);

        var listed = (await OrgTreeApi.GetJsonAsync(staff, $"/api/manage/networks/{n.NetworkId}/submissions?period=2025"))!.AsArray();
        var detail = (await OrgTreeApi.GetJsonAsync(staff, $"/api/manage/networks/{n.NetworkId}/submissions/{receipt["receiptId"]}"))!;
        using var export = await staff.GetAsync("/api/manage/submissions/export?kind=patient-fiches&period=2025");
        var dataset = Encoding.UTF8.GetString((await export.Content.ReadAsByteArrayAsync())[3..]);
        using var rebuilt = await staff.PostAsync("/api/manage/indicators/rebuild", null);

        Assert.Equal(receipt["receiptId"]!.GetValue<string>(), Assert.Single(listed)!["receiptId"]!.GetValue<string>());
        Assert.Equal(4, Assert.Single(detail["errors"]!.AsArray())!["line"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("cnrms-patient-fiches-2025.csv", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.StartsWith("version_nomenclature;reseau_id;periode;microstructure_id;pseudonyme;", dataset, StringComparison.Ordinal);
        Assert.Contains($"{Vocabularies.Version};{n.NetworkId};2025;{n.First};PAT-S1;1980;female;", dataset, StringComparison.Ordinal);
        var trail = await staff.GetStringAsync("/api/manage/audit/evaluatorexport/patient-fiches-2025");
        Assert.Contains("exported", trail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, rebuilt.StatusCode);
        var statusUrl = (await OrgTreeApi.ReadAsync(rebuilt))!["statusUrl"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        JsonNode? job;
        while ((job = await OrgTreeApi.GetJsonAsync(staff, statusUrl))!["state"]!.GetValue<string>() != "succeeded" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.True(job!["receipts"]!.GetValue<int>() >= 1);
        Assert.Equal(OrgTreeApi.Canonical(before), OrgTreeApi.Canonical(await OrgTreeApi.GetJsonAsync(staff, path)));
    }
}
