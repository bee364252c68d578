using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Microstructures.Core.Registrations;
using Microstructures.TestSupport;

namespace Microstructures.EndToEnd.Pages;

// The page test classes share one platform: starting one takes a while on a shared machine.
[CollectionDefinition(Name)]
public sealed class PagesCollection : ICollectionFixture<PagesApp>
{
    public const string Name = "Pages";
}

// One platform (Azurite, DevHost, worker) and one Chromium for the page tests, with the
// data every page needs: an open event with a question, a full one (a seat and a waitlist place), an
// event under way with someone checked in (certificate, door page), the sample org tree and a network key.
public sealed class PagesApp : IAsyncLifetime
{
    public const string OpenEvent = "journee-ouverte";
    public const string FullEvent = "journee-complete";
    public const string CurrentEvent = "journee-en-cours";
    public const string OpenTitle = "Journée régionale <Grand Est> & co";

    private readonly Azurite _azurite = new();
    private readonly Browser _browser = new();

    public DevHostApp App { get; private set; } = null!;
    public IBrowser Chromium => _browser.Instance;
    public HttpClient Staff { get; private set; } = null!;

    public string ConfirmedManagePath { get; private set; } = "";
    public string WaitlistedManagePath { get; private set; } = "";
    public string CertificatePath { get; private set; } = "";
    public string DoorPath { get; private set; } = "";
    public string NetworkKey { get; private set; } = "";
    public string DigestPath { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        await _browser.InitializeAsync();
        App = await DevHostApp.StartAsync(_azurite, new Dictionary<string, string>
        {
            ["ReferenceData__SeedSampleTree"] = "true",
            // Every request of these tests comes from 127.0.0.1.
            ["Registrations__MaxPerIpPerMinute"] = "100000",
        });
        Staff = StaffClient.For(App.BaseUrl, DevHostApp.StaffKey);
        var now = DateTimeOffset.UtcNow;
        await PutEventAsync(OpenEvent, OpenTitle, now.AddDays(30), capacity: 50, opens: now.AddDays(-1), question: true);
        await PutEventAsync(FullEvent, "Journée nationale complète", now.AddDays(40), capacity: 1, opens: now.AddDays(-1));
        await PutEventAsync(CurrentEvent, "Journée en cours", now.AddHours(-1), capacity: 10, opens: now.AddDays(-10));
        ConfirmedManagePath = await RegisterAsync(FullEvent, "alix@example.org", "Alix");
        WaitlistedManagePath = await RegisterAsync(FullEvent, "basile@example.org", "Basile");
        var present = await RegisterAsync(CurrentEvent, "chloe@example.org", "Chloé");
        var link = await Staff.GetFromJsonAsync<JsonElement>($"api/manage/events/{CurrentEvent}/checkin-link");
        var door = new Uri(link.GetProperty("url").GetString()!);
        DoorPath = door.PathAndQuery;
        var registrationId = present.Split("/registrations/")[1].Split('/')[0];
        var token = App.Services.GetRequiredService<RegistrationTokens>().CheckinToken(CurrentEvent, registrationId);
        using var http = App.CreateClient();
        (await http.PostAsJsonAsync($"api/events/{CurrentEvent}/checkins", new { token, doorKey = Uri.UnescapeDataString(door.Query.Split("door=")[1]) })).EnsureSuccessStatusCode();
        // The certificate has a link of its own (its token opens nothing else).
        CertificatePath = App.Services.GetRequiredService<RegistrationLinks>().CertificateLink(CurrentEvent, registrationId).PathAndQuery;
        // The sample tree is imported by the worker at start; a key for one of its networks.
        for (var i = 0; i < 600 && (await Staff.GetFromJsonAsync<JsonElement>("api/manage/networks")).GetArrayLength() == 0; i++)
        {
            await Task.Delay(100);
        }
        var issued = await Staff.PostAsJsonAsync("api/manage/networks/rms-exemple-vosges/keys", new { label = "Logiciel de saisie 2025" });
        issued.EnsureSuccessStatusCode();
        await SubmitActivityDataAsync((await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!);
        await PoisonAMessageAsync();
        await SeedForfaitsAsync();
    }

    public const string SampleNetwork = "rms-exemple-vosges";
    public const string PoisonedText = """{"networkId":"rms-exemple-vosges","receiptId":"0123456789abcdef0123456789abcdef"}""";

    // 2025's fiches (40 patients in two microstructures, one row rejected) and activity of the sample
    // network, sent with its key and processed by ComputeIndicators: the dashboard and the staff's
    // activity page have figures to show.
    private async Task SubmitActivityDataAsync(string key)
    {
        using var network = App.CreateClient();
        network.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var lines = new List<string> { "microstructure_id;pseudonyme;annee_naissance;sexe;date_inclusion;experimentation;motif_principal;produit_principal;troubles_cim10;actes_medecin;actes_psychologue" };
        // 40 patients, every published count 0 or at least 5, so that the public sees the figures unsuppressed.
        string[] substances = ["alcohol", "tobacco", "cannabis", "opiates"];
        int[] birthYears = [2000, 1985, 1965, 1950];
        for (var i = 0; i < 40; i++)
        {
            lines.Add($"{(i < 24 ? "cabinet-des-tilleuls" : "msp-du-vieux-moulin")};PAT-{i:D3};{birthYears[i % 4]};{(i % 2 == 0 ? "male" : "female")};2025-0{1 + i % 9}-15;equip-addict;{(i < 30 ? "addiction" : "precarity")};{substances[i / 10]};{(i % 2 == 0 ? "F30-F39" : "F40-F48")};{3 + i % 5};{1 + i % 3}");
        }
        lines.Add("cabinet-des-tilleuls;PAT-999;2030;female;2025-01-15;equip-addict;addiction;;;;");
        var activity = "microstructure_id;actes_medecin;actes_psychologue;actes_travailleur_social;actes_psychiatre;reunions_synthese\r\ncabinet-des-tilleuls;820;310;190;12;11\r\nmsp-du-vieux-moulin;640;220;150;0;10\r\n";
        foreach (var (kind, text) in new[] { ("patient-fiches", string.Join("\r\n", lines) + "\r\n"), ("microstructure-activity", activity) })
        {
            using var body = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(text));
            body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
            var response = await network.PostAsync($"api/network/submissions?kind={kind}&period=2025", body);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            var statusUrl = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusUrl").GetString()!.TrimStart('/');
            for (var i = 0; i < 600 && (await network.GetFromJsonAsync<JsonElement>(statusUrl)).GetProperty("status").GetString() == "queued"; i++)
            {
                await Task.Delay(100);
            }
        }
        for (var i = 0; i < 600 && (await Staff.GetFromJsonAsync<JsonElement>($"api/manage/indicators?level=network&id={SampleNetwork}&year=2025")).GetProperty("node").GetProperty("values")[0].GetProperty("value").ValueKind != JsonValueKind.Number; i++)
        {
            await Task.Delay(100);
        }
    }

    // A message as the host leaves it in compute-indicators-poison, with the failure the worker recorded.
    private async Task PoisonAMessageAsync()
    {
        var poison = await App.Services.GetRequiredService<Microstructures.Core.Storage.StorageInitializer>().QueueAsync("compute-indicators-poison");
        await poison.SendMessageAsync(PoisonedText);
        await App.Services.GetRequiredService<Microstructures.Core.Queues.QueueFailureStore>().RecordAsync(new Microstructures.Core.Queues.QueueFailure(
            "ComputeIndicators", "compute-indicators", "message-exemple", 5, "System.InvalidOperationException",
            "Receipt 0123456789abcdef0123456789abcdef of network rms-exemple-vosges does not exist.", DateTimeOffset.UtcNow, Microstructures.Core.Queues.QueueFailure.Hash(PoisonedText)));
    }

    // Three forfaits of a sample microstructure ending in 5, 29 and 90 days, and the reminder run's
    // digest (its link's page).
    private async Task SeedForfaitsAsync()
    {
        var key = await Staff.PostAsJsonAsync("api/manage/networks/rms-exemple-vosges/keys", new { label = "Forfaits" });
        key.EnsureSuccessStatusCode();
        NetworkKey = (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        using var network = App.CreateClient();
        network.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", NetworkKey);
        var microstructure = (await network.GetFromJsonAsync<JsonElement>("api/network/microstructures")).EnumerateArray().First(m => m.GetProperty("contactEmails").GetArrayLength() > 0);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).DateTime);
        foreach (var (pseudonym, days) in new[] { ("P-0005", 5), ("P-0029", 29), ("P-0090", 90) })
        {
            var response = await network.PostAsJsonAsync("api/network/forfaits", new
            {
                microstructureId = microstructure.GetProperty("id").GetString(), pseudonym, schemeId = "equip-addict",
                inclusionDate = today.AddDays(days + 1).AddYears(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        using var host = App.CreateClient();
        await DevHostCalls.RunFunctionAsync(host, "ForfaitRemindersTimer");
        var digest = (await App.WaitForEmailsAsync(microstructure.GetProperty("contactEmails")[0].GetString()!))
            .First(m => m.GetProperty("subject").GetString()!.Contains("renouveler", StringComparison.Ordinal));
        var link = System.Text.RegularExpressions.Regex.Match(digest.GetProperty("html").GetString()!, "href=\"([^\"]+/api/forfaits/reminders/[^\"]+)\"").Groups[1].Value;
        DigestPath = new Uri(System.Net.WebUtility.HtmlDecode(link)).PathAndQuery;
    }

    private async Task PutEventAsync(string eventId, string title, DateTimeOffset startsAt, int capacity, DateTimeOffset opens, bool question = false)
    {
        var response = await Staff.PutAsJsonAsync($"api/manage/events/{eventId}", new
        {
            title, startsAt = startsAt.ToString("O"), endsAt = startsAt.AddHours(8).ToString("O"),
            venue = "Salle Exemple", address = "1 rue de l'Exemple, 57000 Metz", capacity,
            registrationOpensAt = opens.ToString("O"), registrationClosesAt = startsAt.AddHours(2).ToString("O"), contactEmail = "contact@example.org",
            extraQuestions = question ? new[] { new { id = "atelier", label = "Atelier de l'après-midi", required = false } } : [],
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    // The registration's signed page (path and query).
    public async Task<string> RegisterAsync(string eventId, string email, string firstName)
    {
        using var http = App.CreateClient();
        var response = await http.PostAsJsonAsync($"api/events/{eventId}/registrations", new
        {
            firstName, lastName = "Exemple", email, profession = "psychologue", organisation = "RMS Exemple", region = "Grand Est",
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return new Uri((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("manageUrl").GetString()!).PathAndQuery;
    }

    // A French page of the given width; with the staff key already typed in this tab when asked.
    public async Task<IPage> NewPageAsync(int width, bool staffKey = false, bool networkKey = false)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { Locale = "fr-FR", ViewportSize = new ViewportSize { Width = width, Height = width < 600 ? 844 : 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(90_000); // a shared, sometimes saturated test machine
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        if (staffKey)
        {
            await page.AddInitScriptAsync($"sessionStorage.setItem('cnrms.staffKey', {JsonSerializer.Serialize(DevHostApp.StaffKey)});");
        }
        if (networkKey)
        {
            await page.AddInitScriptAsync($"sessionStorage.setItem('cnrms.networkKey', {JsonSerializer.Serialize(NetworkKey)});");
        }
        return page;
    }

    public string Url(string path) => new Uri(App.BaseUrl, path).ToString();

    public async Task DisposeAsync()
    {
        Staff?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
        await _browser.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}
