using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Registrations;
using Microstructures.TestSupport;

namespace Microstructures.EndToEnd.Registrations;

// The door volunteer's phone page: type (or scan) the attendee's code, see who it is.
public sealed class CheckinPageInBrowserTests(Azurite azurite, Browser browser) : IClassFixture<Azurite>, IClassFixture<Browser>
{
    [Fact]
    public async Task AVolunteerTypesACodeAndSeesWhoArrivedThenThatTheyAlreadyDid()
    {
        await using var app = new KestrelApp(azurite);
        app.StartServer();
        using var http = StaffClient.For(app.BaseUrl, KestrelApp.StaffKey);
        var now = DateTimeOffset.UtcNow;
        (await http.PutAsJsonAsync("api/manage/events/journee-porte", new
        {
            title = "Journée Nationale des Microstructures", startsAt = now.AddHours(1).ToString("O"), endsAt = now.AddHours(9).ToString("O"),
            venue = "Salle ASIEM", address = "6 rue Albert de Lapparent, 75007 Paris", capacity = 10,
            registrationOpensAt = now.AddDays(-10).ToString("O"), registrationClosesAt = now.AddMinutes(30).ToString("O"), contactEmail = "contact@example.org",
        })).EnsureSuccessStatusCode();
        var registered = await (await http.PostAsJsonAsync("api/events/journee-porte/registrations", new
        {
            firstName = "Noé", lastName = "Exemple", email = "noe@example.org", profession = "medecin-generaliste", organisation = "Cabinet Exemple", region = "Île-de-France",
        })).Content.ReadFromJsonAsync<JsonElement>();
        var token = app.Services.GetRequiredService<RegistrationTokens>().CheckinToken("journee-porte", registered.GetProperty("registrationId").GetString()!);
        var link = await http.GetFromJsonAsync<JsonElement>("api/manage/events/journee-porte/checkin-link");
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(90_000); // a shared, sometimes saturated test machine
        await page.GotoAsync(link.GetProperty("url").GetString()!);

        await page.FillAsync("#token", token);
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#result", new() { HasText = "Bienvenue" }).WaitForAsync();
        Assert.Contains("Noé Exemple", await page.Locator("#result").TextContentAsync(), StringComparison.Ordinal);

        await page.FillAsync("#token", token);
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#result", new() { HasText = "Déjà enregistré" }).WaitForAsync();

        await page.FillAsync("#token", "n-importe-quoi");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#result", new() { HasText = "pas un code d'entrée valide" }).WaitForAsync();
    }
}
