using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Microstructures.Core.Registrations;
using Microstructures.TestSupport;

namespace Microstructures.EndToEnd.Registrations;

// The door volunteer's phone page: type (or scan) the attendee's code, see who it is.
public sealed class CheckinPageInBrowserTests(Azurite azurite, Browser browser) : IClassFixture<Azurite>, IClassFixture<Browser>
{
    [Fact]
    public async Task AVolunteerTypesACodeAndSeesWhoArrivedThenThatTheyAlreadyDid()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        using var http = StaffClient.For(app.BaseUrl, DevHostApp.StaffKey);
        var (registrationId, doorLink) = await RegisterAndGetDoorLinkAsync(http, "journee-porte");
        var token = app.Services.GetRequiredService<RegistrationTokens>().CheckinToken("journee-porte", registrationId);
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(90_000); // a shared, sometimes saturated test machine
        await page.GotoAsync(doorLink);

        await page.FillAsync("#token", token);
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#result", new() { HasText = "Bienvenue" }).WaitForAsync();
        Assert.Contains("Noé Exemple", await page.Locator("#result").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("token", await page.EvaluateAsync<string>("document.activeElement.id")); // ready for the next code

        await page.FillAsync("#token", token);
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#result", new() { HasText = "Déjà enregistré" }).WaitForAsync();

        await page.FillAsync("#token", "n-importe-quoi");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#result", new() { HasText = "pas un code d'entrée valide" }).WaitForAsync();
    }

    // Desktop Chromium on Linux, like iPhone Safari, has no BarcodeDetector: this covers the jsQR
    // path, with the QR code of the confirmation e-mail in front of a (fake) camera.
    [Fact]
    public async Task AVolunteerScansTheEmailsQrCodeWithTheCameraInABrowserWithoutBarcodeDetector()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        using var http = StaffClient.For(app.BaseUrl, DevHostApp.StaffKey);
        var (registrationId, doorLink) = await RegisterAndGetDoorLinkAsync(http, "journee-camera");
        var video = Path.Combine(Path.GetTempPath(), $"checkin-qr-{Guid.NewGuid():N}.y4m");
        FakeCamera.WriteQrVideo(video, app.Services.GetRequiredService<RegistrationEmails>().CheckinQrText("journee-camera", registrationId));
        try
        {
            await using var camera = await browser.LaunchAsync(FakeCamera.Args(video));
            var page = await Browser.NewPageAsync(camera);
            page.SetDefaultTimeout(90_000);
            var checkins = 0;
            page.Request += (_, request) => checkins += request.Method == "POST" && request.Url.EndsWith("/checkins", StringComparison.Ordinal) ? 1 : 0;
            await page.GotoAsync(doorLink);
            Assert.False(await page.EvaluateAsync<bool>("'BarcodeDetector' in window"), "this Chromium has BarcodeDetector: the jsQR path is not what this test covers");

            await page.GetByRole(AriaRole.Button, new() { Name = "Scanner le code QR" }).ClickAsync();
            await page.Locator("#result", new() { HasText = "Bienvenue" }).WaitForAsync();

            Assert.Contains("Noé Exemple", await page.Locator("#result").TextContentAsync(), StringComparison.Ordinal);
            Assert.True(await page.EvaluateAsync<bool>("typeof window.jsQR === 'function'"), "the page read the code without loading jsQR");
            // While scanning, the answer keeps the focus: no on-screen keyboard opens over the camera.
            Assert.Equal("result", await page.EvaluateAsync<string>("document.activeElement.id"));
            var rows = await http.GetFromJsonAsync<JsonElement>("api/manage/events/journee-camera/registrations");
            var row = rows.EnumerateArray().Single(r => r.GetProperty("registrationId").GetString() == registrationId);
            Assert.Equal(JsonValueKind.String, row.GetProperty("checkedInAt").ValueKind);
            // The camera keeps filming the same code: it is not sent again ("Déjà enregistré·e" would replace the welcome).
            await page.WaitForTimeoutAsync(2_000);
            Assert.Equal(1, checkins);
            Assert.Contains("Bienvenue", await page.Locator("#result").TextContentAsync(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(video);
        }
    }

    private static async Task<(string RegistrationId, string DoorLink)> RegisterAndGetDoorLinkAsync(HttpClient http, string eventId)
    {
        var now = DateTimeOffset.UtcNow;
        (await http.PutAsJsonAsync($"api/manage/events/{eventId}", new
        {
            title = "Journée Nationale des Microstructures", startsAt = now.AddHours(1).ToString("O"), endsAt = now.AddHours(9).ToString("O"),
            venue = "Salle ASIEM", address = "6 rue Albert de Lapparent, 75007 Paris", capacity = 10,
            registrationOpensAt = now.AddDays(-10).ToString("O"), registrationClosesAt = now.AddMinutes(30).ToString("O"), contactEmail = "contact@example.org",
        })).EnsureSuccessStatusCode();
        var registered = await (await http.PostAsJsonAsync($"api/events/{eventId}/registrations", new
        {
            firstName = "Noé", lastName = "Exemple", email = "noe@example.org", profession = "medecin-generaliste", organisation = "Cabinet Exemple", region = "Île-de-France",
        })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(nameof(RegistrationStatus.Confirmed), registered.GetProperty("status").GetString());
        var link = await http.GetFromJsonAsync<JsonElement>($"api/manage/events/{eventId}/checkin-link");
        return (registered.GetProperty("registrationId").GetString()!, link.GetProperty("url").GetString()!);
    }
}
