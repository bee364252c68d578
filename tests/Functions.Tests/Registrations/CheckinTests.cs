using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Registrations;
using Microstructures.TestSupport;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

public sealed class CheckinTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static string DoorKey(string url) => Uri.UnescapeDataString(new Uri(url).Query.Split("door=")[1]);

    [Fact]
    public async Task TheDoorLinkChecksAnAttendeeInOnceAndSaysSoTheSecondTime()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        using var client = factory.CreateClient();
        using var staff = factory.CreateStaffClient();
        var seated = await RegisterAsync(client, eventId, Person("porte@example.org", "Maxime"));
        var waiting = await RegisterAsync(client, eventId, Person("porte-attente@example.org"));
        var tokens = factory.Services.GetRequiredService<RegistrationTokens>();
        var link = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/checkin-link");
        var door = DoorKey(link.GetProperty("url").GetString()!);

        var page = await client.GetAsync(new Uri(link.GetProperty("url").GetString()!).PathAndQuery);
        var first = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = tokens.CheckinToken(eventId, seated.Body.GetProperty("registrationId").GetString()!), doorKey = door });
        var again = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = tokens.CheckinToken(eventId, seated.Body.GetProperty("registrationId").GetString()!), doorKey = door });
        var notSeated = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = tokens.CheckinToken(eventId, waiting.Body.GetProperty("registrationId").GetString()!), doorKey = door });
        var forged = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = seated.Body.GetProperty("registrationId").GetString() + ".AAAA", doorKey = door });

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Code d'entrée", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var firstBody = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Maxime", firstBody.GetProperty("firstName").GetString());
        Assert.False(firstBody.GetProperty("alreadyCheckedIn").GetBoolean());
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alreadyCheckedIn").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, notSeated.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.True((await forged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("token", out _));
        var counts = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/counts");
        Assert.Equal(1, counts.GetProperty("checkedIn").GetInt32());
    }

    [Fact]
    public async Task RevokingTheDoorLinkLocksOutEveryEarlierLink()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        using var client = factory.CreateClient();
        using var staff = factory.CreateStaffClient();
        var seated = await RegisterAsync(client, eventId, Person("revocation@example.org"));
        var token = factory.Services.GetRequiredService<RegistrationTokens>().CheckinToken(eventId, seated.Body.GetProperty("registrationId").GetString()!);
        var old = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/checkin-link");

        var renewed = await (await staff.DeleteAsync($"/api/manage/events/{eventId}/checkin-link")).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri(old.GetProperty("url").GetString()!).PathAndQuery)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token, doorKey = DoorKey(old.GetProperty("url").GetString()!) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token, doorKey = DoorKey(renewed.GetProperty("url").GetString()!) })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/manage/events/{eventId}/checkin-link")).StatusCode);
        // Seats are untouched by the revocation (its write is ETag-checked against the counters).
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}")).GetProperty("seatsLeft").GetInt32());
    }

    [Fact]
    public async Task AnAttendeeCheckedInGetsAPrintableCertificateOnceTheEventHasBegunAndCanHaveItEmailed()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 2);
        using var client = factory.CreateClient();
        using var staff = factory.CreateStaffClient();
        var present = await RegisterAsync(client, eventId, Person("present@example.org", "Ambre"));
        var absent = await RegisterAsync(client, eventId, Person("absent@example.org", "Basile"));
        var certificate = PathOf(present.Body).Replace("/manage?", "/certificate?", StringComparison.Ordinal);
        var link = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/checkin-link");
        var token = factory.Services.GetRequiredService<RegistrationTokens>().CheckinToken(eventId, present.Body.GetProperty("registrationId").GetString()!);

        factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 15, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(HttpStatusCode.Conflict, (await client.GetAsync(certificate)).StatusCode);
        await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token, doorKey = DoorKey(link.GetProperty("url").GetString()!) });

        var page = await client.GetStringAsync(certificate);
        var emailed = await client.PostAsync(certificate, null);

        Assert.Contains("atteste que <strong>Ambre Exemple</strong>", page, StringComparison.Ordinal);
        Assert.Contains("certificate?token=", await client.GetStringAsync(PathOf(present.Body)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, emailed.StatusCode);
        Assert.Contains(await EmailsToAsync(factory, "present@example.org"), e => e.Message.Category == "registration-certificate");
        Assert.Equal(HttpStatusCode.Conflict, (await client.GetAsync(PathOf(absent.Body).Replace("/manage?", "/certificate?", StringComparison.Ordinal))).StatusCode);
    }
}
