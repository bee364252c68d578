using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Microstructures.TestSupport;

namespace Microstructures.EndToEnd.Registrations;

// The public form in a real Chromium, driven with the keyboard only (Tab, typing, Space, Enter),
// on a phone-sized viewport.
public sealed class RegistrationFormInBrowserTests(Azurite azurite, Browser browser) : IClassFixture<Azurite>, IClassFixture<Browser>
{
    private static Task<string> CreateEventAsync(DevHostApp app, int capacity) => CreateEventAsync(app.BaseUrl, DevHostApp.StaffKey, capacity);

    private static async Task<string> CreateEventAsync(Uri baseUrl, string staffKey, int capacity)
    {
        var eventId = "jnm-" + Guid.NewGuid().ToString("N")[..8];
        using var staff = StaffClient.For(baseUrl, staffKey);
        var now = DateTimeOffset.UtcNow;
        var response = await staff.PutAsync($"api/manage/events/{eventId}", new StringContent(System.Text.Json.JsonSerializer.Serialize(new
        {
            title = "Journée Nationale des Microstructures",
            startsAt = now.AddDays(30).ToString("O"),
            endsAt = now.AddDays(30).AddHours(9).ToString("O"),
            venue = "Salle ASIEM",
            address = "6 rue Albert de Lapparent, 75007 Paris",
            capacity,
            registrationOpensAt = now.AddDays(-1).ToString("O"),
            registrationClosesAt = now.AddDays(29).ToString("O"),
            contactEmail = "contact@example.org",
        }), System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return eventId;
    }

    private static async Task TabToAsync(IPage page, string id)
    {
        for (var i = 0; i < 15; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''") == id)
            {
                return;
            }
        }
        Assert.Fail($"Tab never reached #{id}");
    }

    // Through the whole platform as ./run.sh starts it: the DevHost forwards the form post like the
    // Functions host, the confirmation goes through the queue, SendEmail and the SendGrid sink.
    [Fact]
    public async Task APersonFillsTheFormWithTheKeyboardOnlySeesTheirSeatConfirmedAndGetsTheEmailWithCalendarAndQrCode()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        var eventId = await CreateEventAsync(app.BaseUrl, DevHostApp.StaffKey, capacity: 10);
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(90_000); // a shared, sometimes saturated test machine
        await page.GotoAsync(new Uri(app.BaseUrl, $"api/events/{eventId}/register").ToString());

        await TabToAsync(page, "firstName");
        await page.Keyboard.TypeAsync("Camille");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Exemple");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("camille.exemple@example.org");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Psy");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Cabinet du Parc");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Grand");
        await TabToAsync(page, "newsletterOptIn");
        await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "register-submit");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/manage\\?token="));

        Assert.Equal("Inscription confirmée", await page.Locator("h1").TextContentAsync());
        Assert.Contains("Votre inscription est confirmée", await page.Locator("[role=status]").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("camille.exemple@example.org", await page.Locator("main").TextContentAsync(), StringComparison.Ordinal);
        // Cancelling takes two steps: the first is a link to the step that says what will happen.
        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = "Annuler mon inscription" }).CountAsync());

        // The registration's confirmation, and (the newsletter box ticked) the newsletter's double opt-in request.
        var emails = await app.WaitForEmailsAsync("camille.exemple@example.org", count: 2);
        Assert.Equal(2, emails.Length);
        var email = Assert.Single(emails, e => e.GetProperty("subject").GetString()!.StartsWith("Inscription confirmée", StringComparison.Ordinal));
        Assert.Single(emails, e => e.GetProperty("categories")[0].GetString() == "newsletter-confirmation");
        var attachments = email.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Contains(attachments, a => a.GetProperty("type").GetString() == "text/calendar" && a.GetProperty("filename").GetString()!.EndsWith(".ics", StringComparison.Ordinal));
        Assert.Contains(attachments, a => a.GetProperty("type").GetString() == "image/png" && a.GetProperty("size").GetInt32() > 0);
        Assert.Contains(email.GetProperty("links").EnumerateArray(), l => l.GetString()!.Contains("/manage?token=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SubmittingAnEmptyFormListsEachErrorLinkedToItsField()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        var eventId = await CreateEventAsync(app, capacity: 10);
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(90_000); // a shared, sometimes saturated test machine
        await page.GotoAsync(new Uri(app.BaseUrl, $"api/events/{eventId}/register").ToString());

        await TabToAsync(page, "register-submit");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#error-summary");

        Assert.Equal("error-summary", await page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''"));
        var links = await page.Locator("#error-summary a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Equal(["#firstName", "#lastName", "#email", "#profession", "#organisation", "#region"], links);
        Assert.Equal("true", await page.Locator("#email").GetAttributeAsync("aria-invalid"));
        Assert.Contains("email-error", await page.Locator("#email").GetAttributeAsync("aria-describedby") ?? "", StringComparison.Ordinal);
    }

    // Past the per-address limit the form comes back as it was typed (429), with the limiter's true wait
    // in its alert: a person on a phone has nothing to type again once the wait is over.
    [Fact]
    public async Task AFormRefusedForTooManyAttemptsComesBackAsTypedWithTheWait()
    {
        await using var app = await DevHostApp.StartAsync(azurite, new Dictionary<string, string> { ["Registrations__MaxPerEmailPerHour"] = "1" });
        var eventId = await CreateEventAsync(app, capacity: 10);
        var context = await browser.Instance.NewContextAsync(new() { Locale = "fr-FR", ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(90_000); // a shared, sometimes saturated test machine
        var form = new Uri(app.BaseUrl, $"api/events/{eventId}/register").ToString();
        async Task FillAndSendAsync()
        {
            await page.GotoAsync(form);
            await page.FillAsync("#firstName", "Camille");
            await page.FillAsync("#lastName", "Exemple");
            await page.FillAsync("#email", "camille.presse@example.org");
            await page.SelectOptionAsync("#profession", new SelectOptionValue { Value = "psychologue" });
            await page.FillAsync("#organisation", "Réseau Exemple");
            await page.SelectOptionAsync("#region", new SelectOptionValue { Label = "Bretagne" });
            await page.ClickAsync("#register-submit");
        }

        await FillAndSendAsync();
        await page.WaitForURLAsync(url => !url.EndsWith("/register", StringComparison.Ordinal));
        var refused = page.WaitForResponseAsync(r => r.Url == form && r.Request.Method == "POST");
        await FillAndSendAsync();

        Assert.Equal(429, (await refused).Status);
        var alert = page.Locator("#error-summary");
        await alert.WaitForAsync();
        // It says what happened to this form, not whether the address is registered (it may be already).
        Assert.Equal("Formulaire pas encore envoyé", (await alert.Locator("h2").TextContentAsync())?.Trim());
        Assert.Contains("Réessayez dans 60 minutes", await alert.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("error-summary", await page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''"));
        Assert.Equal("camille.presse@example.org", await page.InputValueAsync("#email"));
        Assert.Equal("Réseau Exemple", await page.InputValueAsync("#organisation"));
        Assert.Equal("psychologue", await page.InputValueAsync("#profession"));
        Assert.Equal("Bretagne", await page.Locator("#region option:checked").TextContentAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth"), "sideways scroll at 390 px");
        await context.CloseAsync();
    }
}
