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
            "staff-forfaits", "network-forfaits", "forfait-digest", "forfait-digest-list",
            "newsletter-subscribe", "newsletter-subscribe-errors", "newsletter-archive", "staff-newsletter", "staff-subscribers",
            "dashboard", "staff-submissions", "staff-queues",
            "key-figures", "staff-dashboard", "network-dashboard",
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
        var page = await pages.NewPageAsync(width, staffKey: name.StartsWith("staff-", StringComparison.Ordinal), networkKey: name.StartsWith("network-", StringComparison.Ordinal));
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
            case "staff-forfaits":
                await page.GotoAsync(pages.Url("api/manage/forfaits"));
                await page.Locator("#due td", new() { HasText = "P-0029" }).First.WaitForAsync();
                await page.Locator("#figures td", new() { HasText = "France" }).First.WaitForAsync();
                await page.ClickAsync("#preview-form button");
                await page.Locator("#preview p.lead").WaitForAsync();
                break;
            case "network-forfaits":
                await page.GotoAsync(pages.Url("api/forfaits"));
                await page.Locator("#due td", new() { HasText = "P-0005" }).First.WaitForAsync();
                await page.Locator("#inc-microstructureId option").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
                break;
            case "forfait-digest":
                await page.GotoAsync(pages.Url(pages.DigestPath));
                Assert.Equal("Forfaits à renouveler", await page.Locator("h1").TextContentAsync());
                Assert.DoesNotContain("P-0005", await page.ContentAsync(), StringComparison.Ordinal);
                break;
            case "forfait-digest-list":
                await page.GotoAsync(pages.Url(pages.DigestPath));
                await page.GetByRole(AriaRole.Button, new() { Name = "Afficher les forfaits" }).ClickAsync();
                await page.Locator("td", new() { HasText = "P-0005" }).First.WaitForAsync();
                break;
            case "newsletter-subscribe":
                await page.GotoAsync(pages.Url("api/newsletter/subscribe"));
                Assert.Equal("Lettre d'information", await page.Locator("h1").TextContentAsync());
                break;
            case "newsletter-subscribe-errors":
                await page.GotoAsync(pages.Url("api/newsletter/subscribe"));
                await page.FillAsync("#email", "pas-une-adresse");
                await page.ClickAsync("#subscribe-submit");
                await page.Locator("#error-summary").WaitForAsync();
                Assert.StartsWith("Erreur", await page.TitleAsync(), StringComparison.Ordinal);
                break;
            case "newsletter-archive":
                await page.GotoAsync(pages.Url("api/newsletter/archive"));
                Assert.Equal("Lettre d'information — les numéros parus", await page.Locator("h1").TextContentAsync());
                break;
            case "staff-newsletter":
                await page.GotoAsync(pages.Url("api/manage/newsletter"));
                await page.FillAsync("#is-subject", "Les nouvelles du mois");
                await page.FillAsync("#is-body", "## Au sommaire\n\nLes réseaux se réunissent à **Metz**.\n\n- une formation\n- [le site](https://www.example.org)");
                await page.ClickAsync("#is-preview");
                await page.Locator("#preview-body strong", new() { HasText = "Metz" }).WaitForAsync();
                break;
            case "staff-subscribers":
                await page.GotoAsync(pages.Url("api/manage/newsletter/list"));
                await page.Locator("#counts", new() { HasText = "abonné" }).WaitForAsync();
                break;
            case "dashboard":
                await page.GotoAsync(pages.Url("api/indicators/dashboard?year=2025"));
                Assert.Equal("Indicateurs d'activité 2025", await page.Locator("h1").TextContentAsync());
                break;
            case "staff-dashboard":
                await page.GotoAsync(pages.Url("api/manage/dashboard?year=2025"));
                await page.Locator("#dashboard svg.bars").First.WaitForAsync();
                Assert.Equal("Indicateurs d'activité", await page.Locator("h1").TextContentAsync());
                break;
            case "network-dashboard":
                await page.GotoAsync(pages.Url("api/indicators/reseau?year=2025"));
                await page.Locator("#dashboard svg.bars").First.WaitForAsync();
                Assert.Equal("Indicateurs de votre réseau", await page.Locator("h1").TextContentAsync());
                break;
            case "staff-submissions":
                await page.GotoAsync(pages.Url("api/manage/submissions"));
                await page.Locator("#submissions-network").SelectOptionAsync(PagesApp.SampleNetwork);
                // The list of the network chosen, not the first network's arriving late.
                await page.Locator("#receipts[aria-busy=false] table").WaitForAsync();
                await page.GetByRole(AriaRole.Button, new() { Name = "Lignes rejetées" }).First.ClickAsync();
                await page.Locator(".row-errors li").First.WaitForAsync();
                break;
            case "staff-queues":
                await page.GotoAsync(pages.Url("api/manage/queues"));
                await page.Locator("#queues td", new() { HasText = "does not exist" }).First.WaitForAsync();
                break;
            case "key-figures":
                await page.GotoAsync(pages.Url("api/indicators/chiffres-cles?year=2025"));
                Assert.Equal("Chiffres clés 2025", await page.Locator("h1").TextContentAsync());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "no such page");
        }
    }
}
