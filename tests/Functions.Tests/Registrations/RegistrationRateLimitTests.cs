using System.Net;
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

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
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
