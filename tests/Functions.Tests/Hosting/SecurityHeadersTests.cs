using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Hosting;

// Every HTTP function of functions.metadata is called as a browser would (GET, Accept: text/html, with
// real ids, signed links and the staff key): every answer is nosniff without a Server header, and every
// HTML answer — the pages, and the error pages of any function — carries the strict policy, no referrer,
// no framing and no caching, and holds no inline script, handler or style the policy would block.
public sealed partial class SecurityHeadersTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    // The functions answering a GET with a page; the walk finds exactly these.
    private static readonly string[] Pages =
    [
        "AttendanceCertificate", "CheckinPage", "Home", "IndicatorsDashboard", "IndicatorsKeyFigures", "ManageDashboardBody", "ManageDashboardPage", "ManageEventsPage", "ManageForfaitsPage",
        "ManageHome", "ManageKeysPage", "ManageNewsletterPage", "ManageQueuesPage", "ManageRegistrationPage",
        "ManageSubmissionsPage", "ManageSubscribersPage", "NetworkDashboardPage", "NetworkForfaitsPage", "NewsletterArchive",
        "NewsletterSubscribePage", "RegisterPage", "RegistrationPoster",
    ];

    // HTML fragments a page's script inserts (no <html> of their own), checked like the pages otherwise.
    private static readonly string[] Fragments = ["ManageDashboardBody"];

    [Fact]
    public async Task EveryHtmlAnswerOfEveryFunctionCarriesTheSecurityHeaders()
    {
        var values = await ScenarioAsync();
        using var client = app.CreateStaffClient();
        var pages = new List<string>();

        foreach (var function in FunctionsOutput.ReadMetadata().Where(f => f.IsHttp && f.Methods.Contains("GET")))
        {
            // The certificate has a token of its own; every other signed page takes the manage link's.
            var token = function.Name == "AttendanceCertificate" ? values["certificateToken"] : values["token"];
            var path = FunctionsOutput.Fill(function.Route!, values) + $"?token={Uri.EscapeDataString(token)}&door={Uri.EscapeDataString(values["door"])}";
            using var response = await GetPageAsync(client, path);
            var html = await AssertHeadersAsync(function.Name, response);
            if (html && response.StatusCode == HttpStatusCode.OK)
            {
                pages.Add(function.Name);
            }
        }
        // Error pages: an unknown event, a forged link, a refused form (400), whatever the function.
        using (var notFound = await GetPageAsync(client, "/api/events/evenement-inconnu/register"))
        {
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
            Assert.True(await AssertHeadersAsync("RegisterPage (404)", notFound));
        }
        using (var forged = await GetPageAsync(client, $"/api/events/{values["eventId"]}/registrations/{values["registrationId"]}/manage?token=faux"))
        {
            Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
            Assert.True(await AssertHeadersAsync("ManageRegistrationPage (404)", forged));
        }
        using (var refused = await client.PostAsync($"/api/events/{values["eventId"]}/register", new FormUrlEncodedContent(new Dictionary<string, string> { ["firstName"] = "" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True(await AssertHeadersAsync("RegisterPage (400)", refused));
        }

        Assert.Equal(Pages, pages.Order(StringComparer.Ordinal));
    }

    private static Task<HttpResponseMessage> GetPageAsync(HttpClient client, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return client.SendAsync(request);
    }

    // True when the answer is HTML (its headers and markup then checked too).
    private static async Task<bool> AssertHeadersAsync(string function, HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", $"{function}: no nosniff");
        Assert.True(response.Headers.Server.Count == 0, $"{function}: Server header {response.Headers.Server}");
        if (response.Content.Headers.ContentType?.MediaType != "text/html")
        {
            return false;
        }
        Assert.Equal(SecurityHeadersMiddleware.ContentSecurityPolicy, Single(response, "Content-Security-Policy"));
        Assert.Contains("default-src 'self'", Single(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", Single(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", Single(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.True(response.Headers.CacheControl?.NoStore, $"{function}: not no-store");
        var html = await response.Content.ReadAsStringAsync();
        if (!Fragments.Contains(function))
        {
            Assert.Contains("<html lang=\"fr\">", html, StringComparison.Ordinal);
        }
        foreach (Match script in ScriptTag().Matches(html))
        {
            Assert.Matches("src=\"/api/assets/[a-z-]+\\.js\"", script.Value);
        }
        Assert.DoesNotMatch(InlineHandler(), html);
        Assert.DoesNotMatch(StyleAttribute(), html);
        Assert.DoesNotContain("<style", html, StringComparison.Ordinal);
        return true;
    }

    private static string Single(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? values.Single() : throw new Xunit.Sdk.XunitException($"{header} missing on {response.RequestMessage?.RequestUri}");

    // An event under way (so that the certificate exists), a checked-in registration and its signed links.
    private async Task<Dictionary<string, string>> ScenarioAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var eventId = await PutEventAsync(app, new Dictionary<string, object>
        {
            ["title"] = "Journée <en cours> & co", ["startsAt"] = now.AddHours(-1).ToString("O"), ["endsAt"] = now.AddHours(7).ToString("O"),
            ["venue"] = "Salle Exemple", ["address"] = "1 rue Exemple, 57000 Metz", ["capacity"] = 10,
            ["registrationOpensAt"] = now.AddDays(-10).ToString("O"), ["registrationClosesAt"] = now.AddHours(2).ToString("O"), ["contactEmail"] = "contact@example.org",
        });
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var (_, registered) = await RegisterAsync(client, eventId, Person(Mail("entetes")));
        var registrationId = registered.GetProperty("registrationId").GetString()!;
        var manage = new Uri(registered.GetProperty("manageUrl").GetString()!);
        var link = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/checkin-link");
        var door = Uri.UnescapeDataString(new Uri(link.GetProperty("url").GetString()!).Query.Split("door=")[1]);
        var token = app.Services.Get<RegistrationTokens>().CheckinToken(eventId, registrationId);
        (await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token, doorKey = door })).EnsureSuccessStatusCode();
        var certificate = app.Services.Get<RegistrationLinks>().CertificateLink(eventId, registrationId);
        return new Dictionary<string, string>
        {
            ["eventId"] = eventId, ["registrationId"] = registrationId, ["entityType"] = "event", ["entityId"] = eventId, ["name"] = "site.css",
            ["page"] = "", ["token"] = Uri.UnescapeDataString(manage.Query.Split("token=")[1]), ["door"] = door,
            ["certificateToken"] = Uri.UnescapeDataString(certificate.Query.Split("token=")[1]),
        };
    }

    [GeneratedRegex("<script\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<[^>]+\\son[a-z]+\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();

    [GeneratedRegex("<[^>]+\\sstyle\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();
}
