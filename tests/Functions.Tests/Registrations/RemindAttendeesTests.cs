using Microstructures.Functions.Registrations;
using Microstructures.TestSupport;
using static Microstructures.Functions.Tests.Registrations.RegistrationServiceKit;

namespace Microstructures.Functions.Tests.Registrations;

// The hourly timer, run through its function body at chosen times (the clock is moved): the host's
// schedule only decides when it runs, the function decides in Paris time what is due.
public sealed class RemindAttendeesTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static Task RunTimerAsync(PlatformServices services) =>
        services.Function<RemindAttendeesTimer>().RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

    [Fact]
    public async Task ConfirmedAttendeesAreRemindedOnceSevenDaysAndOnceOneDayBeforeInParisTime()
    {
        await using var factory = PlatformServices.Create(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        await RegisterAsync(factory, eventId, Person("rappel@example.org"));
        await RegisterAsync(factory, eventId, Person("attente-rappel@example.org"));

        // 8 December 2026, 08:30 Paris: too early in the day.
        factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 8, 7, 30, 0, TimeSpan.Zero));
        await RunTimerAsync(factory);
        Assert.DoesNotContain(await EmailsToAsync(factory, "rappel@example.org"), e => e.Message.Category == "registration-reminder-7d");

        // 09:30 Paris, twice (a rerun, an hour later): one reminder.
        factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 8, 8, 30, 0, TimeSpan.Zero));
        await RunTimerAsync(factory);
        factory.Time.Advance(TimeSpan.FromHours(1));
        await RunTimerAsync(factory);
        var seven = Assert.Single(await EmailsToAsync(factory, "rappel@example.org"), e => e.Message.Category == "registration-reminder-7d");
        Assert.Contains("dans 7 jours", seven.Message.Subject, StringComparison.Ordinal);

        factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 14, 17, 0, 0, TimeSpan.Zero));
        await RunTimerAsync(factory);
        await RunTimerAsync(factory);
        var one = Assert.Single(await EmailsToAsync(factory, "rappel@example.org"), e => e.Message.Category == "registration-reminder-1d");
        Assert.Contains("demain", one.Message.Subject, StringComparison.Ordinal);
        Assert.Single(one.Message.Attachments, a => a.ContentType == "image/png");
        Assert.DoesNotContain(await EmailsToAsync(factory, "attente-rappel@example.org"), e => e.Message.Category.StartsWith("registration-reminder", StringComparison.Ordinal));
    }
}
