using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microstructures.Functions.Tests.ReferenceData;

namespace Microstructures.Functions.Tests.Submissions;

// A network as the submission tests need it (a region of its own, two microstructures, a key), the
// files it sends, and waiting for what the ComputeIndicators queue function does with them.
internal sealed record TestNetwork(string RegionId, string NetworkId, string First, string Second, string Key);

internal static class SubmissionApi
{
    static SubmissionApi() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public const string FichesHeader = "microstructure_id;pseudonyme;annee_naissance;sexe;date_inclusion;experimentation;motif_principal;autres_motifs;produit_principal;ressources";

    public static async Task<TestNetwork> CreateNetworkAsync(HttpClient staff, string prefix)
    {
        await OrgTreeApi.CreateRegionAsync(staff, prefix + "-region", "Région " + prefix);
        await OrgTreeApi.CreateNetworkAsync(staff, prefix + "-rms", prefix + "-region", "RMS " + prefix);
        await OrgTreeApi.CreateMicrostructureAsync(staff, prefix + "-ms1", prefix + "-rms", "Cabinet un");
        await OrgTreeApi.CreateMicrostructureAsync(staff, prefix + "-ms2", prefix + "-rms", "Cabinet deux");
        return new TestNetwork(prefix + "-region", prefix + "-rms", prefix + "-ms1", prefix + "-ms2", await OrgTreeApi.IssueKeyAsync(staff, prefix + "-rms"));
    }

    // A CSV as French Excel saves it ("CSV (séparateur : point-virgule)"): Windows-1252, labels with accents.
    public static byte[] Windows1252(string text) => Encoding.GetEncoding(1252).GetBytes(text);

    public static string FicheLine(string microstructureId, string pseudonym, int birthYear, string sex, string income = "") =>
        $"{microstructureId};{pseudonym};{birthYear};{sex};2025-01-10;equip-addict;Addiction;Précarité;Cocaïne;{income}";

    public static string FichesCsv(params string[] lines) => FichesHeader + "\r\n" + string.Join("\r\n", lines) + "\r\n";

    public static byte[] FichesJson(params (string MicrostructureId, string Pseudonym, int BirthYear, string Sex)[] fiches)
    {
        var rows = new JsonArray();
        foreach (var (microstructureId, pseudonym, birthYear, sex) in fiches)
        {
            rows.Add(new JsonObject
            {
                ["microstructureId"] = microstructureId, ["pseudonym"] = pseudonym, ["birthYear"] = birthYear, ["sex"] = sex,
                ["inclusionDate"] = "2025-01-10", ["experiment"] = "equip-addict", ["mainReason"] = "addiction",
                ["otherReasons"] = new JsonArray("precarity"), ["mainSubstance"] = "cocaine",
            });
        }
        return Encoding.UTF8.GetBytes(new JsonObject { ["vocabularyVersion"] = "2026.1", ["kind"] = "patient-fiches", ["fiches"] = rows }.ToJsonString());
    }

    public static Task<HttpResponseMessage> SubmitAsync(HttpClient network, byte[] content, string contentType, string kind = "patient-fiches", string period = "2025", bool dryRun = false)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return network.PostAsync($"/api/network/submissions?kind={kind}&period={period}" + (dryRun ? "&dryRun=true" : ""), body);
    }

    public static async Task<JsonObject> SubmitOkAsync(HttpClient network, byte[] content, string contentType, string kind = "patient-fiches", string period = "2025")
    {
        using var response = await SubmitAsync(network, content, contentType, kind, period);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    // Polls the receipt's status URL until the queue function has written its rows.
    public static async Task<JsonObject> WaitProcessedAsync(HttpClient network, JsonObject receipt)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var current = (await OrgTreeApi.GetJsonAsync(network, receipt["statusUrl"]!.GetValue<string>()))!.AsObject();
            if (current["status"]!.GetValue<string>() != "queued" || DateTime.UtcNow > deadline)
            {
                return current;
            }
            await Task.Delay(100);
        }
    }

    // Polls an indicators URL until `until` holds (the facts are written just after the receipt is accepted).
    public static async Task<JsonObject> WaitIndicatorsAsync(HttpClient client, string path, Func<JsonObject, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var report = (await OrgTreeApi.GetJsonAsync(client, path))!.AsObject();
            if (until(report) || DateTime.UtcNow > deadline)
            {
                return report;
            }
            await Task.Delay(100);
        }
    }

    public static JsonNode Value(JsonObject report, string code, string? childId = null)
    {
        var node = childId is null ? report["node"]! : report["children"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == childId)!;
        return node["values"]!.AsArray().Single(v => v!["code"]!.GetValue<string>() == code)!;
    }

    public static double? Number(JsonObject report, string code, string? childId = null) => Value(report, code, childId)["value"]?.GetValue<double>();
}
