using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Microstructures.TestSupport;

namespace Microstructures.EndToEnd.Registrations;

public sealed class StaffEventsPageInBrowserTests(Azurite azurite, Browser browser) : IClassFixture<Azurite>, IClassFixture<Browser>
{
    [Fact]
    public async Task TheStaffSeeAnEventsRegistrationsAndCountsAfterTypingTheKeyOnce()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        using var http = StaffClient.For(app.BaseUrl, DevHostApp.StaffKey);
        var now = DateTimeOffset.UtcNow;
        var put = await http.PutAsJsonAsync("api/manage/events/journee-staff", new
        {
            title = "Journée régionale Grand Est", startsAt = now.AddDays(20).ToString("O"), endsAt = now.AddDays(20).AddHours(8).ToString("O"),
            venue = "Salle Exemple", address = "1 rue Exemple, 57000 Metz", capacity = 50,
            registrationOpensAt = now.AddDays(-1).ToString("O"), registrationClosesAt = now.AddDays(19).ToString("O"), contactEmail = "contact@example.org",
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        (await http.PostAsJsonAsync("api/events/journee-staff/registrations", new
        {
            firstName = "Yanis", lastName = "Exemple", email = "yanis@example.org", profession = "psychologue", organisation = "RMS Exemple", region = "Grand Est",
        })).EnsureSuccessStatusCode();
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(90_000); // a shared, sometimes saturated test machine

        await page.GotoAsync(new Uri(app.BaseUrl, "api/manage/events").ToString());
        await page.FillAsync("#staff-key", DevHostApp.StaffKey);
        await page.Keyboard.PressAsync("Enter");
        await page.GetByText("Journée régionale Grand Est").ClickAsync();
        await page.Locator("#registrations tr", new() { HasText = "Yanis Exemple" }).WaitForAsync();

        Assert.Contains("1\u00a0inscription confirmée sur 50\u00a0places", await page.Locator("#counts").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("Psychologue\u00a0: 1", await page.Locator("#counts").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("page", await page.Locator("nav.staff a[href='/api/manage/events']").GetAttributeAsync("aria-current"));

        await page.Locator("#registrations tr", new() { HasText = "Yanis Exemple" }).GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Modifier" }).ClickAsync();
        await page.FillAsync("#b-organisation", "Réseau corrigé");
        await page.ClickAsync("#behalf-submit");
        await page.Locator("#staff-message", new() { HasText = "Inscription modifiée." }).WaitForAsync();
        var rows = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("api/manage/events/journee-staff/registrations");
        Assert.Equal("Réseau corrigé", rows[0].GetProperty("organisation").GetString());
        Assert.Equal("yanis@example.org", rows[0].GetProperty("email").GetString());
    }

    [Fact]
    public async Task TheStaffCreateAnEventWithAQuestionFromThePageAndEditingItKeepsTheQuestion()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        using var http = StaffClient.For(app.BaseUrl, DevHostApp.StaffKey);
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(90_000); // a shared, sometimes saturated test machine
        await page.GotoAsync(new Uri(app.BaseUrl, "api/manage/events").ToString());
        await page.FillAsync("#staff-key", DevHostApp.StaffKey);
        await page.Keyboard.PressAsync("Enter");

        await page.FillAsync("#ev-id", "journee-metz");
        await page.FillAsync("#ev-title", "Journée Grand Est");
        await page.FillAsync("#ev-startsAt", "2030-06-02T09:00");
        await page.FillAsync("#ev-endsAt", "2030-06-02T17:00");
        await page.FillAsync("#ev-venue", "Salle Exemple");
        await page.FillAsync("#ev-address", "1 rue Exemple, 57000 Metz");
        await page.FillAsync("#ev-capacity", "80");
        await page.FillAsync("#ev-registrationOpensAt", "2030-04-01T09:00");
        await page.FillAsync("#ev-registrationClosesAt", "2030-05-30T18:00");
        await page.FillAsync("#ev-contactEmail", "contact@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ajouter une question" }).ClickAsync();
        await page.GetByLabel("Intitulé").FillAsync("Atelier de l'après-midi");
        await page.GetByLabel("Identifiant", new() { Exact = true }).FillAsync("atelier");
        await page.GetByLabel("Réponse obligatoire").CheckAsync();
        await page.ClickAsync("#event-form button[type=submit]");
        await page.Locator("#staff-message", new() { HasText = "Événement enregistré." }).WaitForAsync();
        await page.FillAsync("#ev-capacity", "90");
        await page.ClickAsync("#event-form button[type=submit]");
        await page.Locator("#events td", new() { HasText = "90" }).First.WaitForAsync();

        var saved = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("api/events/journee-metz");
        Assert.Equal(90, saved.GetProperty("capacity").GetInt32());
        Assert.Equal(new DateTimeOffset(2030, 6, 2, 7, 0, 0, TimeSpan.Zero), saved.GetProperty("startsAt").GetDateTimeOffset());
        var question = Assert.Single(saved.GetProperty("extraQuestions").EnumerateArray());
        Assert.Equal("atelier", question.GetProperty("id").GetString());
        Assert.True(question.GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task TheStaffEnterAndChangeAccessibilityNeedsNewsletterAndTheEventsAnswerOnSomeonesBehalf()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        using var http = StaffClient.For(app.BaseUrl, DevHostApp.StaffKey);
        await CreateEventWithAQuestionAsync(http, "journee-besoins");
        var page = await OpenEventAsync(app.BaseUrl);

        await page.FillAsync("#b-firstName", "Zoé");
        await page.FillAsync("#b-lastName", "Exemple");
        await page.FillAsync("#b-email", "zoe@example.org");
        await page.SelectOptionAsync("#b-profession", "psychologue");
        await page.FillAsync("#b-organisation", "RMS Exemple");
        await page.SelectOptionAsync("#b-region", "Grand Est");
        Assert.Equal("", await page.GetByLabel("Atelier de l'après-midi").GetAttributeAsync("required"));
        Assert.False(await page.GetByLabel("lettre d'information").IsCheckedAsync());
        await page.GetByLabel("Atelier de l'après-midi").FillAsync("Coordination des soins");
        await page.GetByLabel("Besoins d'accessibilité").FillAsync("Accès en fauteuil");
        await page.GetByLabel("lettre d'information").CheckAsync();
        await page.ClickAsync("#behalf-submit");
        await page.Locator("#staff-message", new() { HasText = "Inscription confirmée, e-mail envoyé." }).WaitForAsync();
        await page.Locator("#registrations tr", new() { HasText = "Zoé Exemple" }).WaitForAsync();

        var registered = Assert.Single((await http.GetFromJsonAsync<System.Text.Json.JsonElement>("api/manage/events/journee-besoins/registrations")).EnumerateArray());
        Assert.Equal("Accès en fauteuil", registered.GetProperty("accessibilityNeeds").GetString());
        Assert.True(registered.GetProperty("newsletterOptIn").GetBoolean());
        Assert.Equal("Coordination des soins", registered.GetProperty("answers").GetProperty("atelier").GetString());
        Assert.Equal("", await page.GetByLabel("Besoins d'accessibilité").InputValueAsync()); // ready for the next caller

        await page.Locator("#registrations tr", new() { HasText = "Zoé Exemple" }).GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Modifier" }).ClickAsync();
        Assert.Equal("Accès en fauteuil", await page.GetByLabel("Besoins d'accessibilité").InputValueAsync());
        Assert.Equal("Coordination des soins", await page.GetByLabel("Atelier de l'après-midi").InputValueAsync());
        Assert.True(await page.GetByLabel("lettre d'information").IsCheckedAsync());
        await page.GetByLabel("Besoins d'accessibilité").FillAsync("Boucle magnétique");
        await page.GetByLabel("Atelier de l'après-midi").FillAsync("Parcours de soins");
        await page.ClickAsync("#behalf-submit");
        await page.Locator("#staff-message", new() { HasText = "Inscription modifiée." }).WaitForAsync();

        var edited = Assert.Single((await http.GetFromJsonAsync<System.Text.Json.JsonElement>("api/manage/events/journee-besoins/registrations")).EnumerateArray());
        Assert.Equal("Boucle magnétique", edited.GetProperty("accessibilityNeeds").GetString());
        Assert.Equal("Parcours de soins", edited.GetProperty("answers").GetProperty("atelier").GetString());
        Assert.True(edited.GetProperty("newsletterOptIn").GetBoolean());
        Assert.Equal("Zoé", edited.GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task FieldsTheApiRefusesShowTheirFrenchErrorNextToTheirInputInTheStaffForm()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        using var http = StaffClient.For(app.BaseUrl, DevHostApp.StaffKey);
        await CreateEventWithAQuestionAsync(http, "journee-erreurs");
        var page = await OpenEventAsync(app.BaseUrl);

        // Nothing is chosen for the staff: a forgotten profession or region stops the form, not a wrong default.
        Assert.True(await page.EvalOnSelectorAsync<bool>("#b-profession", "e => e.value === '' && e.validity.valueMissing"));
        Assert.True(await page.EvalOnSelectorAsync<bool>("#b-region", "e => e.value === '' && e.validity.valueMissing"));
        await page.FillAsync("#b-firstName", "Zoé <Exemple>");
        await page.FillAsync("#b-lastName", "Exemple");
        await page.FillAsync("#b-email", "zoe@example.org");
        await page.SelectOptionAsync("#b-profession", "psychologue");
        await page.FillAsync("#b-organisation", "RMS Exemple");
        await page.SelectOptionAsync("#b-region", "Grand Est");
        await page.GetByLabel("Atelier de l'après-midi").FillAsync(new string('a', 1001));
        await page.ClickAsync("#behalf-submit");
        await page.Locator("#staff-message", new() { HasText = "Certains champs sont à corriger" }).WaitForAsync();

        var answer = page.GetByLabel("Atelier de l'après-midi");
        await Assertions.Expect(answer).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(answer).ToHaveAccessibleDescriptionAsync("Erreur : Répondez en 1 000 caractères au plus.");
        await Assertions.Expect(page.GetByLabel("Prénom")).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("sans caractères spéciaux"));
        await Assertions.Expect(page.GetByLabel("Prénom")).ToBeFocusedAsync(); // the first field to correct, for keyboard users
        Assert.Contains("Atelier de l'après-midi\u00a0: Répondez en 1 000 caractères au plus.", await page.Locator("#staff-message").TextContentAsync(), StringComparison.Ordinal);

        await page.FillAsync("#b-firstName", "Zoé");
        await answer.FillAsync("Coordination des soins");
        await page.ClickAsync("#behalf-submit");
        await page.Locator("#staff-message", new() { HasText = "Inscription confirmée, e-mail envoyé." }).WaitForAsync();
        Assert.Equal(0, await page.Locator("#behalf-form .field-error").CountAsync());
        Assert.Null(await answer.GetAttributeAsync("aria-invalid"));
    }

    private static async Task CreateEventWithAQuestionAsync(HttpClient http, string eventId)
    {
        var now = DateTimeOffset.UtcNow;
        var put = await http.PutAsJsonAsync($"api/manage/events/{eventId}", new
        {
            title = "Journée régionale Grand Est", startsAt = now.AddDays(20).ToString("O"), endsAt = now.AddDays(20).AddHours(8).ToString("O"),
            venue = "Salle Exemple", address = "1 rue Exemple, 57000 Metz", capacity = 50,
            registrationOpensAt = now.AddDays(-1).ToString("O"), registrationClosesAt = now.AddDays(19).ToString("O"), contactEmail = "contact@example.org",
            extraQuestions = new[] { new { id = "atelier", label = "Atelier de l'après-midi", required = true } },
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    private async Task<IPage> OpenEventAsync(Uri baseUrl)
    {
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(90_000); // a shared, sometimes saturated test machine
        await page.GotoAsync(new Uri(baseUrl, "api/manage/events").ToString());
        await page.FillAsync("#staff-key", DevHostApp.StaffKey);
        await page.Keyboard.PressAsync("Enter");
        await page.GetByText("Journée régionale Grand Est").ClickAsync();
        await page.GetByLabel("Atelier de l'après-midi").WaitForAsync();
        return page;
    }
}
