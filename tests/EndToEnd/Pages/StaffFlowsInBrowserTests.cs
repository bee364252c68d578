using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Microstructures.EndToEnd.Pages;

// What the staff do on a phone and at a desk: the event form's errors (named by their labels, next to
// their inputs, gone once corrected), the registrations list on a phone, the links they hand out, a
// French Excel import, and a mistyped key.
[Collection(PagesCollection.Name)]
public sealed class StaffFlowsInBrowserTests(PagesApp pages)
{
    static StaffFlowsInBrowserTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task TheEventFormNamesFieldsByTheirLabelsHighlightsThemAndClearsTheErrorsOnceSaved(int width)
    {
        var page = await pages.NewPageAsync(width, staffKey: true);
        await page.GotoAsync(pages.Url("api/manage/events"));
        await page.Locator("#events tr").First.WaitForAsync();

        // Nothing typed: no request, the identifier is named by its label.
        await page.ClickAsync("#event-form button[type=submit]");
        await Assertions.Expect(page.Locator("#staff-message")).ToContainTextAsync("Identifiant (dans l'adresse)\u00a0:");
        await Assertions.Expect(page.Locator("#ev-id")).ToHaveAttributeAsync("aria-invalid", "true");

        await page.FillAsync("#ev-title", $"Journée des Vosges {width}");
        Assert.Equal($"journee-des-vosges-{width}", await page.InputValueAsync("#ev-id")); // derived from the title
        await page.FillAsync("#ev-startsAt", "2030-06-02T17:00");
        await page.FillAsync("#ev-endsAt", "2030-06-02T09:00");
        await page.FillAsync("#ev-venue", "Salle Exemple");
        await page.FillAsync("#ev-address", "1 rue Exemple, 88000 Épinal");
        await page.FillAsync("#ev-capacity", "80");
        await page.FillAsync("#ev-registrationOpensAt", "2030-04-01T09:00");
        await page.FillAsync("#ev-registrationClosesAt", "2030-05-30T18:00");
        await page.FillAsync("#ev-contactEmail", "contact@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ajouter une question" }).ClickAsync();
        await page.GetByLabel("Intitulé").FillAsync("Atelier choisi");
        var questionId = page.GetByLabel("Identifiant", new() { Exact = true });
        Assert.Equal("atelierChoisi", await questionId.InputValueAsync()); // derived from the label
        await questionId.FillAsync("Atelier choisi");
        await page.ClickAsync("#event-form button[type=submit]");

        var message = page.Locator("#staff-message");
        await Assertions.Expect(message).ToContainTextAsync("Fin (heure de Paris)\u00a0: La fin doit être après le début.");
        await Assertions.Expect(message).ToContainTextAsync("Question 1, identifiant\u00a0:");
        var text = await message.TextContentAsync();
        Assert.DoesNotContain("endsAt", text, StringComparison.Ordinal);
        Assert.DoesNotContain("extraQuestions", text, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#ev-endsAt")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#ev-endsAt")).ToHaveAccessibleDescriptionAsync("Erreur\u00a0: La fin doit être après le début.");
        await Assertions.Expect(questionId).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#ev-id")).Not.ToHaveAttributeAsync("aria-invalid", "true");

        await page.FillAsync("#ev-endsAt", "2030-06-02T18:00");
        await questionId.FillAsync("atelier");
        await page.ClickAsync("#event-form button[type=submit]");

        await Assertions.Expect(message).ToHaveTextAsync("Événement enregistré.");
        Assert.Equal(0, await page.Locator("#event-form .field-error").CountAsync());
        Assert.Equal(0, await page.Locator("#event-form [aria-invalid]").CountAsync());
        var saved = await pages.Staff.GetFromJsonAsync<JsonElement>($"api/events/journee-des-vosges-{width}");
        Assert.Equal("atelier", Assert.Single(saved.GetProperty("extraQuestions").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task OnAPhoneTheRegistrationsListFitsTheScreenAndTheLinksCanBeCopiedScannedAndPrinted()
    {
        const string EventId = "journee-telephone";
        var now = DateTimeOffset.UtcNow;
        (await pages.Staff.PutAsJsonAsync($"api/manage/events/{EventId}", new
        {
            title = "Journée sur téléphone", startsAt = now.AddDays(12).ToString("O"), endsAt = now.AddDays(12).AddHours(8).ToString("O"),
            venue = "Salle Exemple", address = "1 rue Exemple, 57000 Metz", capacity = 1,
            registrationOpensAt = now.AddDays(-1).ToString("O"), registrationClosesAt = now.AddDays(11).ToString("O"), contactEmail = "contact@example.org",
        })).EnsureSuccessStatusCode();
        await pages.RegisterAsync(EventId, "une.adresse.vraiment.tres.longue.pour.voir@structure-au-nom-tres-long.example.org", "Maximilienne");
        await pages.RegisterAsync(EventId, "attente@example.org", "Basile");
        var page = await pages.NewPageAsync(390, staffKey: true);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = pages.App.BaseUrl.GetLeftPart(UriPartial.Authority) });

        await page.GotoAsync(pages.Url("api/manage/events"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Journée sur téléphone" }).ClickAsync();
        var waiting = page.Locator("#registrations tr", new() { HasText = "Basile Exemple" });
        await waiting.WaitForAsync();
        await page.ClickAsync("#door");
        await page.WaitForFunctionAsync("() => document.getElementById('door-qr').naturalWidth > 0");

        await PageChecks.AssertNoHorizontalScrollAsync(page, "the staff events page with an event open, at 390 px");
        await PageChecks.ScreenshotAsync(page, "staff-events-phone-390");
        Assert.Contains("liste d'attente, position 1", await waiting.TextContentAsync(), StringComparison.Ordinal);
        var formUrl = new Uri(pages.App.BaseUrl, $"api/events/{EventId}/register").ToString();
        Assert.Equal(formUrl, await page.InputValueAsync("#form-url"));
        await page.Locator("[data-copy='form-url']").ClickAsync();
        Assert.Equal(formUrl, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        var doorUrl = await page.InputValueAsync("#door-url");
        Assert.StartsWith(new Uri(pages.App.BaseUrl, $"api/events/{EventId}/checkin?door=").ToString(), doorUrl, StringComparison.Ordinal);
        await page.Locator("[data-copy='door-url']").ClickAsync();
        Assert.Equal(doorUrl, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Affiche avec le code QR, à imprimer" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('img.poster-qr')?.naturalWidth > 0");
        Assert.Equal("Journée sur téléphone", await page.Locator("h1").TextContentAsync());
        Assert.Equal(formUrl, await page.Locator(".poster-url").TextContentAsync());
    }

    // French Excel's "CSV (séparateur : point-virgule)" is Windows-1252: the accents come through.
    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task AWindows1252FileImportedFromTheStaffPageKeepsItsAccents(int width)
    {
        var csv = "region_id;region;reseau_id;reseau;association;coordination_administrative;coordination_medicale;microstructure_id;microstructure;commune;code_postal;type;contacts;ouverture\r\n"
            + $"bretagne-{width};Bretagne;rms-armor-{width};RMS d'Armor;Association Armor Santé;coordination@example.org;medecin@example.org;cabinet-etang-{width};Cabinet de l'Étang;Saint-Brieuc;22000;cabinet;accueil@example.org;2022-05-02\r\n";
        var page = await pages.NewPageAsync(width, staffKey: true);
        await page.GotoAsync(pages.Url("api/manage"));
        await page.Locator("#tree ul.tree").WaitForAsync();

        await page.Locator("#import-file").SetInputFilesAsync(new FilePayload { Name = "reseaux.csv", MimeType = "text/csv", Buffer = Encoding.GetEncoding(1252).GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Importer" }).ClickAsync();

        await Assertions.Expect(page.Locator("#import-report")).ToContainTextAsync("3\u00a0créations");
        await Assertions.Expect(page.Locator("#import-report")).ToContainTextAsync("0\u00a0ligne refusée");
        await Assertions.Expect(page.Locator("#tree")).ToContainTextAsync("RMS d'Armor (Association Armor Santé)");
        await Assertions.Expect(page.Locator("#tree")).ToContainTextAsync("Cabinet de l'Étang — Saint-Brieuc (22000)");
        Assert.DoesNotContain("\uFFFD", await page.Locator("#tree").TextContentAsync(), StringComparison.Ordinal);
        var network = await pages.Staff.GetFromJsonAsync<JsonElement>($"api/manage/networks/rms-armor-{width}");
        Assert.Equal("Association Armor Santé", network.GetProperty("carryingAssociation").GetString());
    }

    [Fact]
    public async Task AMistypedKeyIsRefusedAndTheRefusalGoesOnceTheRightKeyIsTyped()
    {
        var page = await pages.NewPageAsync(390);
        await page.GotoAsync(pages.Url("api/manage/keys"));

        await page.GetByLabel("Clé d'accès de l'équipe").FillAsync("pas-la-bonne-cle-du-tout");
        await page.GetByLabel("Clé d'accès de l'équipe").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#staff-message")).ToContainTextAsync("Clé d'accès refusée");
        await page.GetByLabel("Clé d'accès de l'équipe").FillAsync(DevHostApp.StaffKey);
        await page.GetByLabel("Clé d'accès de l'équipe").PressAsync("Enter");

        await Assertions.Expect(page.Locator("#key-network option").First).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator("#staff-message")).ToBeHiddenAsync();
        Assert.DoesNotContain("Clé d'accès refusée", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
    }

    // A message of its own in rebuild-indicators-poison (a job that does not exist: the function completes
    // it when replayed), so that the shared poisoned message of the other page tests stays where it is.
    [Fact]
    public async Task ReplayingAPoisonMessageFromTheQueuesPageSendsItBackAndRecordsItInTheAuditTrail()
    {
        var text = new Microstructures.Core.Indicators.RebuildIndicatorsMessage("0000000000000000000-" + Guid.NewGuid().ToString("N")[..8]).ToText();
        var poison = await pages.App.Services.GetRequiredService<Microstructures.Core.Storage.StorageInitializer>().QueueAsync("rebuild-indicators-poison");
        var sent = await poison.SendMessageAsync(text);
        var page = await pages.NewPageAsync(390, staffKey: true);
        await page.GotoAsync(pages.Url("api/manage/queues"));
        var row = page.Locator("#queues tr", new() { HasText = text });
        await row.WaitForAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Rejouer le message " + sent.Value.MessageId }).ClickAsync();

        await Assertions.Expect(page.Locator("#staff-message")).ToContainTextAsync("1 message rejoué dans rebuild-indicators.");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        using var trail = JsonDocument.Parse(await pages.Staff.GetStringAsync("/api/manage/audit/poisonqueue/rebuild-indicators-poison"));
        var entry = trail.RootElement.EnumerateArray().Single(e => e.GetProperty("changes").GetRawText().Contains(sent.Value.MessageId, StringComparison.Ordinal));
        Assert.Equal("replayed", entry.GetProperty("action").GetString());
        Assert.Equal("staff", entry.GetProperty("actorKind").GetString());
        await page.Context.CloseAsync();
    }
}
