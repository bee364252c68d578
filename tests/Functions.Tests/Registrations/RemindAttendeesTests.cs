using System.Net;
using System.Text;
using Microstructures.TestSupport;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

public sealed class RemindAttendeesTests(Azurite azurite) : IClassFixture<Azurite>
{
    private const string TimerPayload = "{\"Data\":{\"timer\":{\"Schedule\":{\"AdjustForDST\":true},\"ScheduleStatus\":null,\"IsPastDue\":false}},\"Metadata\":{}}";

    private static async Task RunTimerAsync(HttpClient client)
    {
        var response = await client.PostAsync("/RemindAttendees", new StringContent(TimerPayload, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"Logs\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfirmedAttendeesAreRemindedOnceSevenDaysAndOnceOneDayBeforeInParisTime()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        using var client = factory.CreateClient();
        await RegisterAsync(client, eventId, Person("rappel@example.org"));
        await RegisterAsync(client, eventId, Person("attente-rappel@example.org"));

        // 8 December 2026, 08:30 Paris: too early in the day.
        factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 8, 7, 30, 0, TimeSpan.Zero));
        await RunTimerAsync(client);
        Assert.DoesNotContain(await EmailsToAsync(factory, "rappel@example.org"), e => e.Message.Category == "registration-reminder-7d");

        // 09:30 Paris, twice (a rerun, an hour later): one reminder.
        factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 8, 8, 30, 0, TimeSpan.Zero));
        await RunTimerAsync(client);
        factory.Time.Advance(TimeSpan.FromHours(1));
        await RunTimerAsync(client);
        var seven = Assert.Single(await EmailsToAsync(factory, "rappel@example.org"), e => e.Message.Category == "registration-reminder-7d");
        Assert.Contains("dans 7 jours", seven.Message.Subject, StringComparison.Ordinal);

        factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 14, 17, 0, 0, TimeSpan.Zero));
        await RunTimerAsync(client);
        await RunTimerAsync(client);
        var one = Assert.Single(await EmailsToAsync(factory, "rappel@example.org"), e => e.Message.Category == "registration-reminder-1d");
        Assert.Contains("demain", one.Message.Subject, StringComparison.Ordinal);
        Assert.Single(one.Message.Attachments, a => a.ContentType == "image/png");
        Assert.DoesNotContain(await EmailsToAsync(factory, "attente-rappel@example.org"), e => e.Message.Category.StartsWith("registration-reminder", StringComparison.Ordinal));
    }
}
