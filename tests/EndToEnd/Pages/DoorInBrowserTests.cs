using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Microstructures.Core.Registrations;

namespace Microstructures.EndToEnd.Pages;

// The door volunteer's phone page and the staff list on the day: arrivals only in the event's window,
// an arrival undone, "already" with the time of the first one.
[Collection(PagesCollection.Name)]
public sealed class DoorInBrowserTests(PagesApp pages)
{
    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task ACodeScannedWeeksBeforeTheEventIsRefusedAndSaysWhenTheDoorOpens(int width)
    {
        var manage = await pages.RegisterAsync(PagesApp.OpenEvent, $"en-avance-{width}-{Guid.NewGuid():N}@example.org", "Pénélope");
        var token = CheckinToken(PagesApp.OpenEvent, manage);
        var page = await pages.NewPageAsync(width);

        await page.GotoAsync(pages.Url(await DoorPathAsync(PagesApp.OpenEvent)));
        await page.FillAsync("#token", token);
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("#result")).ToContainTextAsync("les arrivées sont enregistrées à partir du");
        Assert.DoesNotContain("Bienvenue", await page.Locator("#result").TextContentAsync(), StringComparison.Ordinal);
        var rows = await pages.Staff.GetFromJsonAsync<JsonElement>($"api/manage/events/{PagesApp.OpenEvent}/registrations?q=Pénélope");
        Assert.All(rows.EnumerateArray(), r => Assert.Equal(JsonValueKind.Null, r.GetProperty("checkedInAt").ValueKind));
        await page.GotoAsync(pages.Url(manage));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Annuler mon inscription" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task AVolunteerUndoesAnArrivalAndASecondScanSaysAtWhatTimeTheFirstWas(int width)
    {
        var manage = await pages.RegisterAsync(PagesApp.CurrentEvent, $"erreur-{width}-{Guid.NewGuid():N}@example.org", "Romain");
        var token = CheckinToken(PagesApp.CurrentEvent, manage);
        var page = await pages.NewPageAsync(width);
        await page.GotoAsync(pages.Url(pages.DoorPath));
        var result = page.Locator("#result");

        await page.FillAsync("#token", token);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(result).ToContainTextAsync("Bienvenue\u00a0: Romain Exemple");
        await page.GetByRole(AriaRole.Button, new() { Name = "Annuler l'arrivée de Romain Exemple" }).ClickAsync();
        await Assertions.Expect(result).ToContainTextAsync("Arrivée de Romain Exemple annulée");
        Assert.Equal(JsonValueKind.Null, (await RowAsync(manage)).GetProperty("checkedInAt").ValueKind);

        await page.FillAsync("#token", token);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(result).ToContainTextAsync("Bienvenue\u00a0: Romain Exemple");
        await page.FillAsync("#token", token);
        await page.Keyboard.PressAsync("Enter");

        var arrived = (await RowAsync(manage)).GetProperty("checkedInAt").GetDateTimeOffset();
        var hour = TimeZoneInfo.ConvertTime(arrived, EventRules.Paris).ToString("HH'h'mm", System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(result).ToContainTextAsync($"Déjà enregistré·e à {hour}\u00a0: Romain Exemple");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task WithoutTheQrCodeTheDoorChecksInByTheShortCodeOfTheManagePageOrByName(int width)
    {
        var withCode = await pages.RegisterAsync(PagesApp.CurrentEvent, $"code-{width}-{Guid.NewGuid():N}@example.org", "Séverine");
        var lastName = "Sans-Code-" + width;
        using (var http = pages.App.CreateClient())
        {
            (await http.PostAsJsonAsync($"api/events/{PagesApp.CurrentEvent}/registrations", new
            {
                firstName = "Tristan", lastName, email = $"nom-{width}-{Guid.NewGuid():N}@example.org", profession = "psychologue", organisation = "RMS Exemple", region = "Grand Est",
            })).EnsureSuccessStatusCode();
        }
        var page = await pages.NewPageAsync(width);
        await page.GotoAsync(pages.Url(withCode));
        var code = await page.Locator(".entry-code").TextContentAsync();

        await page.GotoAsync(pages.Url(pages.DoorPath));
        await Assertions.Expect(page.Locator(".practical")).ToContainTextAsync("Journée en cours");
        await page.FillAsync("#token", code!.ToLowerInvariant());
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#result")).ToContainTextAsync("Bienvenue\u00a0: Séverine Exemple");

        await page.FillAsync("#search", "tristan " + lastName[..6]);
        await page.Keyboard.PressAsync("Enter");
        var row = page.Locator("#found li", new() { HasText = "Tristan " + lastName });
        await Assertions.Expect(row).ToContainTextAsync("RMS Exemple");
        Assert.DoesNotContain("@", await page.Locator("#found").TextContentAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Enregistrer l'arrivée de Tristan {lastName}" }).ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToContainTextAsync($"Bienvenue\u00a0: Tristan {lastName}");
        await Assertions.Expect(row).ToContainTextAsync("Arrivé·e à");
        if (width < 600)
        {
            await PageChecks.AssertNoHorizontalScrollAsync(page, $"door after a search at {width} px");
        }
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task TheStaffListHasACheckinButtonAndItsUndo(int width)
    {
        var firstName = "Ulysse" + width;
        await pages.RegisterAsync(PagesApp.CurrentEvent, $"liste-{width}-{Guid.NewGuid():N}@example.org", firstName);
        var page = await pages.NewPageAsync(width, staffKey: true);
        await page.GotoAsync(pages.Url("api/manage/events"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Journée en cours" }).ClickAsync();
        var row = page.Locator("#registrations tr", new() { HasText = firstName + " Exemple" });
        await Assertions.Expect(row).ToContainTextAsync("—");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Enregistrer l'arrivée de {firstName} Exemple" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("arrivé·e à");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Annuler l'arrivée de {firstName} Exemple" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Enregistrer l'arrivée de {firstName} Exemple" })).ToBeVisibleAsync();
        Assert.DoesNotContain("arrivé·e à", await row.TextContentAsync(), StringComparison.Ordinal);
        if (width < 600)
        {
            await PageChecks.AssertNoHorizontalScrollAsync(page, $"staff list at {width} px");
        }
        await page.Context.CloseAsync();
    }

    private string CheckinToken(string eventId, string managePath) =>
        pages.App.Services.GetRequiredService<RegistrationTokens>().CheckinToken(eventId, RegistrationIdOf(managePath));

    private static string RegistrationIdOf(string managePath) => managePath.Split("/registrations/")[1].Split('/')[0];

    private async Task<JsonElement> RowAsync(string managePath)
    {
        var eventId = managePath.Split("/api/events/")[1].Split('/')[0];
        var rows = await pages.Staff.GetFromJsonAsync<JsonElement>($"api/manage/events/{eventId}/registrations");
        return rows.EnumerateArray().Single(r => r.GetProperty("registrationId").GetString() == RegistrationIdOf(managePath));
    }

    private async Task<string> DoorPathAsync(string eventId) =>
        new Uri((await pages.Staff.GetFromJsonAsync<JsonElement>($"api/manage/events/{eventId}/checkin-link")).GetProperty("url").GetString()!).PathAndQuery;
}
