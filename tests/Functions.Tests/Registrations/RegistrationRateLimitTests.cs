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
