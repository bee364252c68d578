using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

public sealed class EventAuditTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    [Fact]
    public async Task StaffChangesToAnEventAndItsRegistrationsAreInTheEventsAuditTrail()
    {
        using var staff = app.CreateStaffClient();
        var eventId = await CreateEventAsync(app, capacity: 2);
        var onBehalf = await staff.PostAsJsonAsync($"/api/manage/events/{eventId}/registrations", Person(Mail("appel")));
        var registrationId = (await onBehalf.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("registrationId").GetString()!;
        var cancel = await staff.PostAsync($"/api/manage/events/{eventId}/registrations/{registrationId}/cancel", null);
        var refused = await staff.PutAsJsonAsync($"/api/manage/events/{eventId}", new { title = "" });

        var trail = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/audit/event/{eventId}");
        var actions = trail.EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToList();

        Assert.True(onBehalf.IsSuccessStatusCode);
        Assert.True(cancel.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        // Newest first; the refused edit changed nothing and is not recorded.
        Assert.Equal(
            ["POST /api/manage/events/{eventId}/registrations/{registrationId}/cancel", "POST /api/manage/events/{eventId}/registrations", "PUT /api/manage/events/{eventId}"],
            actions);
        Assert.All(trail.EnumerateArray(), e => Assert.Equal("staff", e.GetProperty("actorKind").GetString()));
        Assert.Equal(registrationId, trail[0].GetProperty("changes").GetProperty("registrationId").GetProperty("after").GetString());
    }
}
