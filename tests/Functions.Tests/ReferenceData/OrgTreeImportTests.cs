using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Microstructures.Functions.Tests.ReferenceData;

public sealed class OrgTreeImportTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    private const string Header = "region_id;region;reseau_id;reseau;association;coordination_administrative;coordination_medicale;microstructure_id;microstructure;commune;code_postal;type;contacts;ouverture;annee;medecins;psychologues;travailleurs_sociaux;psychiatres";

    static OrgTreeImportTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static Task<(HttpStatusCode Status, JsonObject Body)> ImportAsync(HttpClient staff, string csv, bool bom = false) =>
        ImportAsync(staff, bom ? [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)] : Encoding.UTF8.GetBytes(csv));

    private static async Task<(HttpStatusCode Status, JsonObject Body)> ImportAsync(HttpClient staff, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        var response = await staff.PostAsync("/api/manage/import", content);
        return (response.StatusCode, (JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject)!);
    }

    [Fact]
    public async Task ImportingTheSameFileTwiceChangesNothingTheSecondTime()
    {
        var staff = app.CreateStaffClient();
        var csv = $"""
            {Header}
            twice-ge;Grand Est;twice-rms;RMS Twice;Association Twice;coordination@example.org;medecin@example.org;twice-a;Cabinet A;Metz;57000;cabinet;a@example.org, b@example.org;2021-03-01;2024;2;1;1;0
            twice-ge;Grand Est;twice-rms;RMS Twice;Association Twice;coordination@example.org;medecin@example.org;twice-a;Cabinet A;Metz;57000;cabinet;a@example.org, b@example.org;2021-03-01;2025;3;1;1;0
            twice-ge;Grand Est;twice-rms;RMS Twice;Association Twice;coordination@example.org;medecin@example.org;twice-b;MSP B;Nancy;54000;msp;b@example.org;15/09/2022;;;;;
            """;

        var (firstStatus, first) = await ImportAsync(staff, csv, bom: true);
        var treeAfterFirst = OrgTreeApi.Canonical(await OrgTreeApi.GetJsonAsync(staff, "/api/manage/tree"));
        var auditAfterFirst = OrgTreeApi.Canonical(await OrgTreeApi.GetJsonAsync(staff, "/api/manage/audit/microstructure/twice-a"));
        var (secondStatus, second) = await ImportAsync(staff, csv);

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(HttpStatusCode.OK, secondStatus);
        Assert.Equal(6, first["created"]!.GetValue<int>()); // region, network, 2 microstructures, 2 team years
        Assert.Empty(first["errors"]!.AsArray());
        Assert.Equal(0, second["created"]!.GetValue<int>());
        Assert.Equal(0, second["updated"]!.GetValue<int>());
        Assert.Equal(treeAfterFirst, OrgTreeApi.Canonical(await OrgTreeApi.GetJsonAsync(staff, "/api/manage/tree")));
        Assert.Equal(auditAfterFirst, OrgTreeApi.Canonical(await OrgTreeApi.GetJsonAsync(staff, "/api/manage/audit/microstructure/twice-a")));
        var b = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/microstructures/twice-b");
        Assert.Equal("2022-09-15", b!["openedOn"]!.GetValue<string>());
        var a = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/microstructures/twice-a");
        Assert.Equal(2, a!["teams"]!.AsArray().Count);
        Assert.Equal(["a@example.org", "b@example.org"], a["contactEmails"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    [Fact]
    public async Task ABadRowIsReportedWithItsLineAndReasonAndNothingOfItIsStored()
    {
        var staff = app.CreateStaffClient();
        var csv = string.Join('\n',
            Header.Replace(';', ','),
            "bad-hdf,Hauts-de-France,bad-rms,RMS Somme,Le Mail,coordination@example.org,medecin@example.org,bad-good,Cabinet Bon,Amiens,80000,cabinet,accueil@example.org,2020-01-01,,,,,",
            "bad-new-region,Nouvelle région,bad-new-rms,Réseau neuf,Asso,coordination@example.org,medecin@example.org,bad-wrong,Cabinet Faux,Abbeville,8010,clinique,accueil@example.org,2020-01-01,,,,,");

        var (status, report) = await ImportAsync(staff, csv);

        Assert.Equal(HttpStatusCode.OK, status);
        var error = Assert.Single(report["errors"]!.AsArray())!;
        Assert.Equal(3, error["line"]!.GetValue<int>());
        var reasons = string.Join(" ", error["reasons"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Contains("code_postal : Indiquez un code postal", reasons, StringComparison.Ordinal);
        Assert.Contains("type : Indiquez le type d'exercice", reasons, StringComparison.Ordinal);
        // The good row is stored; nothing of the bad one, not even its new region and network.
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/api/manage/microstructures/bad-good")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/manage/microstructures/bad-wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/manage/networks/bad-new-rms")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/manage/regions/bad-new-region")).StatusCode);
    }

    [Fact]
    public async Task ARowContradictingAnEarlierRowOrAnotherNetworksMicrostructureIsRefused()
    {
        var staff = app.CreateStaffClient();
        await OrgTreeApi.CreateRegionAsync(staff, "clash-region");
        await OrgTreeApi.CreateNetworkAsync(staff, "clash-other", "clash-region");
        await OrgTreeApi.CreateMicrostructureAsync(staff, "clash-taken", "clash-other");
        var csv = $"""
            {Header}
            clash-region;Grand Est;clash-rms;RMS Clash;Asso;coordination@example.org;medecin@example.org;;;;;;;;;;;;
            clash-region;Grand Est;clash-rms;RMS Autre nom;Asso;coordination@example.org;medecin@example.org;;;;;;;;;;;;
            clash-region;Grand Est;clash-rms;RMS Clash;Asso;coordination@example.org;medecin@example.org;clash-taken;Cabinet;Metz;57000;cabinet;a@example.org;2021-01-01;;;;;
            """;

        var (_, report) = await ImportAsync(staff, csv);

        var errors = report["errors"]!.AsArray();
        Assert.Equal([3, 4], errors.Select(e => e!["line"]!.GetValue<int>()));
        Assert.Contains("plus haut dans le fichier", errors[0]!["reasons"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("appartient déjà au réseau « clash-other »", errors[1]!["reasons"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var network = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/networks/clash-rms");
        Assert.Equal("RMS Clash", network!["name"]!.GetValue<string>());
    }

    // French Excel's "CSV (séparateur : point-virgule)" is Windows-1252, and people retitle columns.
    [Fact]
    public async Task AWindows1252FileFromFrenchExcelKeepsItsAccentsAndItsFrenchHeaders()
    {
        var staff = app.CreateStaffClient();
        var csv = "Region_id;Région;Réseau_id;Réseau;Association;Coordination administrative;Coordination médicale;Microstructure_id;Microstructure;Commune;Code postal;Type;Contacts;Ouverture\r\n"
            + "cp-bretagne;Bretagne;cp-armor;RMS d'Armor;Association Armor Santé;coordination@example.org;medecin@example.org;cp-epinal;Cabinet de l'Étang;Saint-Brieuc;22000;cabinet;accueil@example.org;2022-05-02\r\n";

        var (status, report) = await ImportAsync(staff, Encoding.GetEncoding(1252).GetBytes(csv));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(report["errors"]!.AsArray());
        Assert.Equal(3, report["created"]!.GetValue<int>());
        var network = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/networks/cp-armor");
        Assert.Equal("Association Armor Santé", network!["carryingAssociation"]!.GetValue<string>());
        var microstructure = await OrgTreeApi.GetJsonAsync(staff, "/api/manage/microstructures/cp-epinal");
        Assert.Equal("Cabinet de l'Étang", microstructure!["name"]!.GetValue<string>());
        Assert.Equal("22000", microstructure["postcode"]!.GetValue<string>());
    }

    // Bytes that are neither UTF-8 nor Windows-1252 (0x81 has no character there) are not guessed at:
    // the file is refused whole, in French, and no name is ever stored with "�".
    [Fact]
    public async Task AFileThatDoesNotDecodeIsRefusedAndNothingOfItIsStored()
    {
        var staff = app.CreateStaffClient();
        byte[] bytes = [.. Encoding.ASCII.GetBytes(Header + "\nbad-enc;Grand Est;;;;;;;;;;;;;;;;;\nbad-enc-2;Caf"), 0x81, .. Encoding.ASCII.GetBytes(";;;;;;;;;;;;;;;;;\n")];
        var withReplacement = Encoding.UTF8.GetBytes(Header + "\nbad-fffd;Caf\uFFFD;;;;;;;;;;;;;;;;;\n");

        var (status, problem) = await ImportAsync(staff, bytes);
        var (replacementStatus, _) = await ImportAsync(staff, withReplacement);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("n'a pas pu être lu", problem["errors"]!["file"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, replacementStatus);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/manage/regions/bad-enc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/manage/regions/bad-fffd")).StatusCode);
    }

    // The template the staff page offers: downloaded as a browser would, it names the import's columns and imports cleanly.
    [Fact]
    public async Task TheDownloadableTemplateHasTheImportsColumnsAndImportsWithoutError()
    {
        var staff = app.CreateStaffClient();

        using var download = await app.CreateClient().GetAsync("/api/assets/" + Microstructures.Functions.ReferenceData.StaffPagesHttp.ImportTemplate);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        var (status, report) = await ImportAsync(staff, bytes);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/csv", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        Assert.Equal(Microstructures.Core.ReferenceData.OrgTreeImport.Columns, Encoding.UTF8.GetString(bytes[3..]).Split("\r\n")[0].Split(';'));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(report["errors"]!.AsArray());
        Assert.Equal(1, report["rows"]!.GetValue<int>());
    }

    [Fact]
    public async Task AFileWithoutTheExpectedColumnsIsRefusedAs400()
    {

        var (status, problem) = await ImportAsync(app.CreateStaffClient(), "nom;ville\nA;B\n");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Colonnes manquantes", problem["errors"]!["file"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
