using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microstructures.TestSupport;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

public sealed class PurgeRegistrationsTests(Azurite azurite) : IClassFixture<Azurite>
{
    private const string TimerPayload = "{\"Data\":{\"timer\":{\"Schedule\":{\"AdjustForDST\":true},\"ScheduleStatus\":null,\"IsPastDue\":false}},\"Metadata\":{}}";

    private static async Task RunTimerAsync(HttpClient client)
    {
        var response = await client.PostAsync("/PurgeRegistrations", new StringContent(TimerPayload, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AccessibilityNeedsGoWhenTheEventEndsAndPersonalDataAfterRetentionWhileCountsRemain()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        using var client = factory.CreateClient();
        using var staff = factory.CreateStaffClient();
        var seated = await RegisterAsync(client, eventId, Person("retention@example.org"));
        await RegisterAsync(client, eventId, Person("retention-attente@example.org"));

        await RunTimerAsync(client);
        Assert.Equal("Accès en fauteuil", (await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/registrations"))[0].GetProperty("accessibilityNeeds").GetString());

        // The day after the event: needs erased, names kept for certificates and follow-up.
        factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 16, 4, 0, 0, TimeSpan.Zero));
        await RunTimerAsync(client);
        var afterEvent = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/registrations");
        Assert.All(afterEvent.EnumerateArray(), r => Assert.Equal(JsonValueKind.Null, r.GetProperty("accessibilityNeeds").ValueKind));
        Assert.Equal(2, afterEvent.GetArrayLength());

        factory.Time.Advance(TimeSpan.FromDays(90));
        await RunTimerAsync(client);
        await RunTimerAsync(client);

        Assert.Equal(0, (await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/registrations")).GetArrayLength());
        var counts = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/counts");
        Assert.Equal(1, counts.GetProperty("confirmed").GetInt32());
        Assert.Equal(1, counts.GetProperty("confirmedByRegion").GetProperty("Grand Est").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(PathOf(seated.Body))).StatusCode);
    }
}
