using System.Net;
using System.Net.Http.Json;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

public sealed class RegistrationRateLimitTests(RegistrationRateLimitTests.StrictLimitHost app) : IClassFixture<RegistrationRateLimitTests.StrictLimitHost>
{
    // Two attempts per address and hour.
    public sealed class StrictLimitHost : FunctionsHost
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Registrations__MaxPerEmailPerHour"] = "2" };
    }

    [Fact]
    public async Task TooManyAttemptsFromOneAddressAreAnswered429()
    {
        var eventId = await CreateEventAsync(app, capacity: 5);
        using var client = app.CreateClient();
        var address = Mail("insistant");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await RegisterAsync(client, eventId, Person(address))).Status);
        }

        // The second is told the address is registered already; the third is over the limit.
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    // Malformed attempts are refused before they count: five bad requests naming someone's address
    // (a missing profession, a made-up region) leave that person's budget whole.
    [Fact]
    public async Task BadAttemptsNamingSomeonesAddressNeverLockThemOut()
    {
        var eventId = await CreateEventAsync(app, capacity: 5);
        using var client = app.CreateClient();
        var victim = Mail("victime");

        for (var i = 0; i < 5; i++)
        {
            var bad = await client.PostAsJsonAsync($"/api/events/{eventId}/registrations", new { firstName = "X", lastName = "Y", email = victim, profession = "astronaute", organisation = "Z", region = "Atlantide" });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        var form = await client.PostAsync($"/api/events/{eventId}/register", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = victim, ["firstName"] = "X" }));
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(client, eventId, Person(victim))).Status);
    }

    // The answer says how long to wait, and it is the limiter's own figure: two attempts an hour, one
    // more every 30 minutes.
    [Fact]
    public async Task TheRefusalSaysTheTrueWaitOnTheApiAndOnThePage()
    {
        var eventId = await CreateEventAsync(app, capacity: 5);
        using var client = app.CreateClient();
        var address = Mail("pressee");
        await RegisterAsync(client, eventId, Person(address));
        await RegisterAsync(client, eventId, Person(address));

        var api = await client.PostAsJsonAsync($"/api/events/{eventId}/registrations", Person(address));
        var page = await client.PostAsync($"/api/events/{eventId}/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["firstName"] = "Camille", ["lastName"] = "Exemple", ["email"] = address, ["profession"] = "patient", ["organisation"] = "Association Exemple", ["region"] = "Normandie",
        }));

        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
        Assert.InRange(api.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30));
        Assert.Contains("Réessayez dans 30 minutes", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.NotNull(page.Headers.RetryAfter);
        var pageText = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("Réessayez dans 30 minutes", pageText, StringComparison.Ordinal);
        // The form comes back as it was typed: nothing to type again once the wait is over.
        Assert.Contains("value=\"Association Exemple\"", pageText, StringComparison.Ordinal);
        Assert.Contains($"value=\"{address}\"", pageText, StringComparison.Ordinal);
        Assert.Contains("<option value=\"patient\" selected", pageText, StringComparison.Ordinal);
    }

    // Five refused forms (a field forgotten, then another) before the right one: the corrections never
    // count against the person's two attempts an hour, and each refusal keeps what was typed.
    [Fact]
    public async Task CorrectingTheFormSeveralTimesNeverLocksThePersonOut()
    {
        var eventId = await CreateEventAsync(app, capacity: 5);
        using var client = app.CreateClient();
        var address = Mail("corrige");
        var typed = new Dictionary<string, string>
        {
            ["firstName"] = "Camille", ["lastName"] = "Exemple", ["email"] = address, ["profession"] = "patient", ["organisation"] = "Association Exemple", ["region"] = "Normandie",
        };

        foreach (var missing in new[] { "lastName", "organisation", "region", "profession", "firstName" })
        {
            var attempt = new Dictionary<string, string>(typed) { [missing] = "" };
            var refused = await client.PostAsync($"/api/events/{eventId}/register", new FormUrlEncodedContent(attempt));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains($"value=\"{address}\"", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        var corrected = await client.PostAsync($"/api/events/{eventId}/register", new FormUrlEncodedContent(typed));

        Assert.Equal(HttpStatusCode.SeeOther, corrected.StatusCode);
    }
}

// The per-address limit keys on the address the platform knows: the host's proxy replaces
// X-Forwarded-For with its peer's address, so one the caller writes changes nothing.
public sealed class RegistrationAddressLimitTests(RegistrationAddressLimitTests.StrictAddressLimitHost app) : IClassFixture<RegistrationAddressLimitTests.StrictAddressLimitHost>
{
    // Two attempts per client address and minute.
    public sealed class StrictAddressLimitHost : FunctionsHost
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Registrations__MaxPerIpPerMinute"] = "2" };
    }

    [Fact]
    public async Task AForwardedForHeaderWrittenByTheCallerDoesNotEscapeTheLimit()
    {
        var eventId = await CreateEventAsync(app, capacity: 5);
        using var client = app.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/registrations")
            {
                Content = System.Net.Http.Json.JsonContent.Create(Person(Mail($"adresse{i}"))),
            };
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }
}

// With a CDN in front (and the app reachable through it alone), the deployment names the header that
// carries the client's address; each client then has its own budget.
public sealed class RegistrationTrustedHeaderTests(RegistrationTrustedHeaderTests.BehindAFrontDoorHost app) : IClassFixture<RegistrationTrustedHeaderTests.BehindAFrontDoorHost>
{
    public sealed class BehindAFrontDoorHost : FunctionsHost
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["Registrations__MaxPerIpPerMinute"] = "2",
            ["App__TrustedClientAddressHeader"] = "X-Azure-ClientIP",
        };
    }

    [Fact]
    public async Task TheTrustedHeaderNamesTheClient()
    {
        var eventId = await CreateEventAsync(app, capacity: 10);
        using var client = app.CreateClient();

        var statuses = new List<HttpStatusCode>();
        foreach (var (front, i) in new[] { "198.51.100.1", "198.51.100.1", "198.51.100.2", "198.51.100.1" }.Select((a, i) => (a, i)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/registrations") { Content = JsonContent.Create(Person(Mail($"cdn{i}"))) };
            request.Headers.Add("X-Azure-ClientIP", front);
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }
}
