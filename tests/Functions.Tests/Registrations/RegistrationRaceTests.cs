using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

// Two app instances (two workers, each under its own DevHost) share nothing but the storage account,
// as two instances in Azure: their in-process queues do not see each other, so only the ETag on the
// event row keeps the counts right.
public sealed class RegistrationRaceTests(TwoInstancesHost app) : IClassFixture<TwoInstancesHost>
{
    [Fact]
    public async Task TwoInstancesRegisteringAtOnceNeverOverbookBecauseTheCounterIsETagChecked()
    {
        var eventId = await CreateEventAsync(app, capacity: 5);
        using var clientOne = app.CreateClient(0);
        using var clientTwo = app.CreateClient(1);

        var results = await Task.WhenAll(Enumerable.Range(1, 30).Select(i =>
            RegisterAsync(i % 2 == 0 ? clientOne : clientTwo, eventId, Person(Mail($"instance{i}")))));

        Assert.Equal(5, results.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(25, results.Count(r => r.Status == HttpStatusCode.Accepted));
        Assert.Equal(Enumerable.Range(1, 25), results.Where(r => r.Status == HttpStatusCode.Accepted).Select(r => r.Body.GetProperty("waitlistPosition").GetInt32()).Order());
    }

    [Fact]
    public async Task CancellationsAndRegistrationsRacingOnTwoInstancesKeepTheSeatsFullAndPromoteInArrivalOrder()
    {
        var eventId = await CreateEventAsync(app, capacity: 3);
        using var clientOne = app.CreateClient(0);
        using var clientTwo = app.CreateClient(1);
        var seated = new List<JsonElement>();
        var waiting = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            seated.Add((await RegisterAsync(clientOne, eventId, Person(Mail($"assis{i}")))).Body);
        }
        for (var i = 1; i <= 5; i++)
        {
            waiting.Add((await RegisterAsync(clientOne, eventId, Person(Mail($"attente{i}")))).Body.GetProperty("registrationId").GetString()!);
        }

        var cancels = seated.Select((s, i) => (i % 2 == 0 ? clientOne : clientTwo).PostAsync(PathOf(s), null));
        var newcomers = Enumerable.Range(1, 4).Select(i => RegisterAsync(i % 2 == 0 ? clientOne : clientTwo, eventId, Person(Mail($"nouveau{i}"))));
        await Task.WhenAll(cancels.Cast<Task>().Concat(newcomers));

        using var staff = app.CreateStaffClient(0);
        var rows = (await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/registrations")).EnumerateArray().ToList();
        var confirmed = rows.Where(r => r.GetProperty("status").GetString() == "Confirmed").Select(r => r.GetProperty("registrationId").GetString()).ToList();
        Assert.Equal(3, confirmed.Count);
        Assert.Equal(waiting.Take(3).Order(), confirmed.Order());
        var summary = await clientTwo.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(0, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(6, summary.GetProperty("waitlisted").GetInt32());
        Assert.Equal(6, rows.Count(r => r.GetProperty("status").GetString() == "Waitlisted"));
    }

    [Fact]
    public async Task RegistrationsClosedOnAnotherInstanceAreRefusedAtOnceThoughThisInstanceRemembersThemOpen()
    {
        var eventId = await CreateEventAsync(app, capacity: 3);
        using var client = app.CreateClient(0);
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(client, eventId, Person(Mail("avant")))).Status);

        // Instance two closes registrations; instance one still has the event (and its row) in memory.
        var closed = Event(capacity: 3, closes: DateTimeOffset.UtcNow.AddMinutes(-1));
        using var staff = app.CreateStaffClient(1);
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/manage/events/{eventId}", closed)).StatusCode);
        var late = await RegisterAsync(client, eventId, Person(Mail("apres")));

        Assert.Equal(HttpStatusCode.Conflict, late.Status);
        Assert.Contains("closes", late.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, (await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}")).GetProperty("seatsLeft").GetInt32());
    }
}
