using Microsoft.Playwright;

namespace Microstructures.EndToEnd.Pages;

// Every page of the platform, on a phone (390 px) and a desktop (1280 px): it works under the
// Content-Security-Policy (no violation, no script error), passes the accessibility checks (French,
// labels, headings, focus ring of 3:1) and, on the phone, never scrolls sideways.
[Collection(PagesCollection.Name)]
public sealed class EveryPageInBrowserTests(PagesApp pages)
{
    public static TheoryData<string, int> Visits()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[]
        {
            "home", "form", "form-errors", "manage-confirmed", "manage-waitlisted", "manage-confirm-cancel", "manage-cancelled", "certificate", "door", "poster",
            "invalid-link", "unknown-event", "staff-home", "staff-keys", "staff-events",
        })
        {
            data.Add(name, 390);
            data.Add(name, 1280);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Visits))]
    public async Task ThePageWorksUnderThePolicyAndPassesTheAccessibilityChecks(string name, int width)
    {
        var page = await pages.NewPageAsync(width, staffKey: name.StartsWith("staff-", StringComparison.Ordinal));
        var checks = await PageChecks.WatchAsync(page);

        await VisitAsync(page, name);

        var what = $"{name} at {width} px";
        await checks.AssertPolicyRespectedAsync(page, what);
        await PageChecks.AssertAccessibleAsync(page, what);
        if (width < 600)
        {
            await PageChecks.AssertNoHorizontalScrollAsync(page, what);
        }
        await PageChecks.ScreenshotAsync(page, $"{name}-{width}");
        await page.Context.CloseAsync();
    }

    // Opens the page and brings it to the state a person would look at (data loaded, a form refused...).
    private async Task VisitAsync(IPage page, string name)
    {
        switch (name)
        {
            case "home":
                await page.GotoAsync(pages.Url("/"));
                await page.GetByRole(AriaRole.Heading, new() { Name = PagesApp.OpenTitle }).WaitForAsync();
                break;
            case "form":
                await page.GotoAsync(pages.Url($"api/events/{PagesApp.OpenEvent}/register"));
                Assert.Equal("Inscription — " + PagesApp.OpenTitle, await page.Locator("h1").TextContentAsync());
                break;
            case "form-errors":
                await page.GotoAsync(pages.Url($"api/events/{PagesApp.OpenEvent}/register"));
                await page.FillAsync("#email", "pas-une-adresse");
                await page.ClickAsync("#register-submit");
                await page.Locator("#error-summary").WaitForAsync();
                Assert.StartsWith("Erreur", await page.TitleAsync(), StringComparison.Ordinal);
                break;
            case "manage-confirmed":
                await page.GotoAsync(pages.Url(pages.ConfirmedManagePath));
                Assert.Equal("Inscription confirmée", await page.Locator("h1").TextContentAsync());
                break;
            case "manage-waitlisted":
                await page.GotoAsync(pages.Url(pages.WaitlistedManagePath));
                Assert.Equal("Liste d'attente", await page.Locator("h1").TextContentAsync());
                break;
            case "manage-confirm-cancel":
                await page.GotoAsync(pages.Url(pages.ConfirmedManagePath));
                await page.GetByRole(AriaRole.Link, new() { Name = "Annuler mon inscription" }).ClickAsync();
                await page.Locator("h1", new() { HasText = "Annuler votre inscription" }).WaitForAsync();
                break;
            case "manage-cancelled":
                await page.GotoAsync(pages.Url(await pages.RegisterAsync(PagesApp.OpenEvent, $"annule-{Guid.NewGuid():N}@example.org", "Dominique")));
                await page.GetByRole(AriaRole.Link, new() { Name = "Annuler mon inscription" }).ClickAsync();
                await page.GetByRole(AriaRole.Button, new() { Name = "Oui, annuler mon inscription" }).ClickAsync();
                await page.Locator("h1", new() { HasText = "Inscription annulée" }).WaitForAsync();
                break;
            case "certificate":
                await page.GotoAsync(pages.Url(pages.CertificatePath));
                Assert.Equal("Attestation de présence", await page.Locator("h1").TextContentAsync());
                break;
            case "door":
                await page.GotoAsync(pages.Url(pages.DoorPath));
                await page.FillAsync("#token", "n-importe-quoi");
                await page.Keyboard.PressAsync("Enter");
                await page.Locator("#result", new() { HasText = "code" }).WaitForAsync();
                await page.FillAsync("#search", "chlo");
                await page.Keyboard.PressAsync("Enter");
                await page.Locator("#found li", new() { HasText = "Chloé Exemple" }).WaitForAsync();
                break;
            case "poster":
                await page.GotoAsync(pages.Url($"api/events/{PagesApp.OpenEvent}/poster"));
                await page.WaitForFunctionAsync("() => document.querySelector('img.poster-qr').naturalWidth > 0");
                break;
            case "invalid-link":
                await page.GotoAsync(pages.Url(pages.ConfirmedManagePath.Split("token=")[0] + "token=faux"));
                Assert.StartsWith("Erreur", await page.Locator("h1").TextContentAsync(), StringComparison.Ordinal);
                break;
            case "unknown-event":
                await page.GotoAsync(pages.Url("api/events/evenement-inconnu/register"));
                Assert.StartsWith("Erreur", await page.Locator("h1").TextContentAsync(), StringComparison.Ordinal);
                break;
            case "staff-home":
                await page.GotoAsync(pages.Url("api/manage"));
                await page.GetByRole(AriaRole.Button, new() { Name = "Historique de Grand Est" }).ClickAsync();
                await page.Locator("#history-list td", new() { HasText = "créé" }).First.WaitForAsync();
                break;
            case "staff-keys":
                await page.GotoAsync(pages.Url("api/manage/keys"));
                await page.Locator("#key-network").SelectOptionAsync("rms-exemple-vosges");
                await page.Locator("#keys", new() { HasText = "Logiciel de saisie 2025" }).WaitForAsync();
                break;
            case "staff-events":
                await page.GotoAsync(pages.Url("api/manage/events"));
                await page.GetByRole(AriaRole.Button, new() { Name = "Journée nationale complète" }).ClickAsync();
                await page.Locator("#registrations tr", new() { HasText = "Basile Exemple" }).WaitForAsync();
                await page.ClickAsync("#door");
                await page.WaitForFunctionAsync("() => document.getElementById('door-qr').naturalWidth > 0");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "no such page");
        }
    }
}
