using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Microstructures.TestSupport;

namespace Microstructures.EndToEnd.Pages;

// What a newcomer and a registrant do: find the sample event on the home page, register (the form
// answers 303, a refresh never posts again), and the e-mail's QR code as the outbox viewer shows it.
[Collection(PagesCollection.Name)]
public sealed partial class PublicFlowsInBrowserTests(PagesApp pages)
{
    [Fact]
    public async Task TheHomePageListsTheSampleEventThatSeedShCreatesOnceThroughTheStaffApi()
    {
        var first = await SeedAsync();
        var again = await SeedAsync();
        var page = await pages.NewPageAsync(390);

        await page.GotoAsync(pages.Url("/"));
        var card = page.Locator("li.event-card", new() { HasText = "Journée d'exemple des microstructures" });
        await card.WaitForAsync();
        var text = await card.TextContentAsync();
        await card.GetByRole(AriaRole.Link, new() { Name = "S'inscrire" }).ClickAsync();

        Assert.Contains("Sample event created", first, StringComparison.Ordinal);
        Assert.Contains("Sample event already there", again, StringComparison.Ordinal);
        Assert.Contains("120\u00a0places restantes sur 120", text, StringComparison.Ordinal);
        Assert.Matches(@"\d{4} à 09h00 – 17h30", text);
        Assert.Equal("Inscription — Journée d'exemple des microstructures", await page.Locator("h1").TextContentAsync());
        Assert.EndsWith("/api/events/journee-exemple/register", page.Url, StringComparison.Ordinal);
        Assert.Equal("Atelier choisi l'après-midi (facultatif)", await page.Locator("label[for='answers.atelier']").TextContentAsync());
    }

    private async Task<string> SeedAsync()
    {
        var start = new ProcessStartInfo("bash", [RepoPaths.Combine("scripts", "seed.sh"), pages.App.BaseUrl.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["STAFF_KEY"] = DevHostApp.StaffKey },
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"seed.sh exited with {process.ExitCode}: {output} {error}");
        return output;
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task TheFormAnswersA303ToTheRegistrationsPageAndARefreshDoesNotPostAgain(int width)
    {
        var email = $"redirection-{width}-{Guid.NewGuid():N}@example.org";
        var page = await pages.NewPageAsync(width);
        var posts = new List<int>();
        page.Response += (_, response) =>
        {
            if (response.Request.Method == "POST")
            {
                posts.Add(response.Status);
            }
        };
        await page.GotoAsync(pages.Url($"api/events/{PagesApp.OpenEvent}/register"));
        await page.FillAsync("#firstName", "Camille");
        await page.FillAsync("#lastName", "Exemple");
        await page.FillAsync("#email", email);
        await page.SelectOptionAsync("#profession", "psychologue");
        await page.FillAsync("#organisation", "Cabinet du Parc");
        await page.SelectOptionAsync("#region", "Grand Est");
        await page.ClickAsync("#register-submit");
        // The URL and the page's text are what is asserted: waiting for the DOM, not for every image
        // (the load event), keeps a slow image on a loaded machine out of the test.
        await page.WaitForURLAsync(ManagePage(), new() { WaitUntil = WaitUntilState.DOMContentLoaded });

        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });

        Assert.Equal([303], posts);
        Assert.Matches(ManagePage(), page.Url);
        Assert.Equal("Inscription confirmée", await page.Locator("h1").TextContentAsync());
        Assert.Equal(0, await page.Locator("script:not([src])").CountAsync());
        var rows = await pages.Staff.GetFromJsonAsync<JsonElement>($"api/manage/events/{PagesApp.OpenEvent}/registrations?q={Uri.EscapeDataString(email)}");
        Assert.Equal(1, rows.GetArrayLength());
    }

    [Fact]
    public async Task TheOutboxShowsTheConfirmationsQrCode()
    {
        var email = $"qr-{Guid.NewGuid():N}@example.org";
        await pages.RegisterAsync(PagesApp.OpenEvent, email, "Quentin");
        var message = Assert.Single(await pages.App.WaitForEmailsAsync(email));
        var page = await pages.NewPageAsync(1280);

        await page.GotoAsync(pages.Url("_devhost/outbox/page?id=" + Uri.EscapeDataString(message.GetProperty("id").GetString()!)));
        var qr = page.FrameLocator("iframe").Locator("img[alt=\"Code d'entrée\"]");
        await qr.WaitForAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var width = 0;
        while ((width = await qr.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : 0")) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(width > 0, "the QR code of the confirmation is a broken image in the outbox");
        Assert.StartsWith("/_devhost/outbox/", await qr.GetAttributeAsync("src"), StringComparison.Ordinal);
    }

    // The red button only asks; the second step says what will happen; the cancellation is undone while
    // the seat is still free.
    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task CancellingTakesASecondStepAndCanBeUndoneWhileTheSeatIsFree(int width)
    {
        var manage = await pages.RegisterAsync(PagesApp.OpenEvent, $"deux-temps-{width}-{Guid.NewGuid():N}@example.org", "Solène");
        var page = await pages.NewPageAsync(width);
        await page.GotoAsync(pages.Url(manage));

        await page.GetByRole(AriaRole.Link, new() { Name = "Annuler mon inscription" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Annuler votre inscription\u00a0?");
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("Votre place sera libérée");
        Assert.Equal("Confirmed", await StatusAsync(manage)); // asking cancelled nothing
        await page.GetByRole(AriaRole.Link, new() { Name = "Non, garder mon inscription" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Inscription confirmée");

        await page.GetByRole(AriaRole.Link, new() { Name = "Annuler mon inscription" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Oui, annuler mon inscription" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Inscription annulée");
        Assert.Equal("Cancelled", await StatusAsync(manage));
        await page.GetByRole(AriaRole.Button, new() { Name = "Revenir sur l'annulation" }).ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Inscription confirmée");
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("Votre annulation est défaite");
        Assert.Equal("Confirmed", await StatusAsync(manage));
        await page.Context.CloseAsync();
    }

    private async Task<string> StatusAsync(string managePath)
    {
        var id = managePath.Split("/registrations/")[1].Split('/')[0];
        var rows = await pages.Staff.GetFromJsonAsync<JsonElement>($"api/manage/events/{PagesApp.OpenEvent}/registrations");
        return rows.EnumerateArray().Single(r => r.GetProperty("registrationId").GetString() == id).GetProperty("status").GetString()!;
    }

    [GeneratedRegex("/api/events/journee-ouverte/registrations/[0-9a-f]{32}/manage\\?token=")]
    private static partial Regex ManagePage();
}
