using Microstructures.Core.Common;
using Microstructures.Core.Registrations;
using Microstructures.Functions.Registrations;
using Microstructures.TestSupport;
using static Microstructures.Functions.Tests.Registrations.RegistrationServiceKit;

namespace Microstructures.Functions.Tests.Registrations;

// The daily retention timer, run through its function body at chosen times (the clock is moved).
public sealed class PurgeRegistrationsTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static Task RunTimerAsync(PlatformServices services) =>
        services.Function<PurgeRegistrationsTimer>().RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

    [Fact]
    public async Task AccessibilityNeedsGoWhenTheEventEndsAndPersonalDataAfterRetentionWhileCountsRemain()
    {
        await using var factory = PlatformServices.Create(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        var reports = factory.Get<RegistrationReports>();
        var seated = await RegisterAsync(factory, eventId, Person("retention@example.org"));
        await RegisterAsync(factory, eventId, Person("retention-attente@example.org"));

        await RunTimerAsync(factory);
        Assert.Equal("Accès en fauteuil", (await reports.ListAsync(eventId, null)).Value![0].AccessibilityNeeds);

        // The day after the event: needs erased, names kept for certificates and follow-up.
        factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 16, 4, 0, 0, TimeSpan.Zero));
        await RunTimerAsync(factory);
        var afterEvent = (await reports.ListAsync(eventId, null)).Value!;
        Assert.All(afterEvent, r => Assert.Null(r.AccessibilityNeeds));
        Assert.Equal(2, afterEvent.Count);

        factory.Time.Advance(TimeSpan.FromDays(90));
        await RunTimerAsync(factory);
        await RunTimerAsync(factory);

        Assert.Empty((await reports.ListAsync(eventId, null)).Value!);
        var counts = (await reports.CountAsync(eventId)).Value!;
        Assert.Equal(1, counts.Confirmed);
        Assert.Equal(1, counts.ConfirmedByRegion["Grand Est"]);
        // The link of the e-mails opens nothing any more (the manage page answers 404 for this).
        var manage = await factory.Get<RegistrationViews>().GetForManageAsync(eventId, seated.RegistrationId!, TokenOf(seated));
        Assert.Equal(ResultKind.NotFound, manage.Kind);
    }
}
