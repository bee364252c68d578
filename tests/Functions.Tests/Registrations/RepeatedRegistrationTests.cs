using Microstructures.Core.Registrations;
using Microstructures.TestSupport;
using static Microstructures.Functions.Tests.Registrations.RegistrationServiceKit;

namespace Microstructures.Functions.Tests.Registrations;

// An address registered already, asked again and again (double clicks, a script, the staff typing it
// twice, someone who is not its owner): no second seat, an answer that says only that, and at most one
// e-mail an hour to its owner whatever the route, across instances too (the e-mail's id is the claim).
public sealed class RepeatedRegistrationTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task ManyRepeatsOnEveryRouteAndInstanceSendTheOwnerOneEmailAnHour()
    {
        await using var factory = PlatformServices.Create(azurite);
        await using var other = factory.SecondInstance();
        var eventId = await CreateEventAsync(factory, capacity: 5);
        var first = await RegisterAsync(factory, eventId, Person("dominique@example.org", "Dominique"));

        var repeats = Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? factory : other).Get<RegistrationService>()
            .RegisterAsync(eventId, Person("dominique@example.org", "Quelqu'un"), i % 4 < 2 ? RegistrationSource.Staff : RegistrationSource.Public));
        var answers = await Task.WhenAll(repeats);

        Assert.Equal(RegistrationOutcomeKind.Created, first.Kind);
        var told = answers.Where(a => a.IsSuccess).Select(a => a.Value!).ToList();
        Assert.NotEmpty(told);
        Assert.All(told, a => Assert.Equal(RegistrationOutcomeKind.AlreadyRegistered, a.Kind));
        Assert.All(told, a => Assert.True(a.RegistrationId is null && a.Status is null && a.WaitlistPosition is null && a.ManageUrl is null));
        Assert.Equal(2, (await EmailsToAsync(factory, "dominique@example.org")).Count);

        // The next hour, one more; the seat is still the only one.
        factory.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(RegistrationOutcomeKind.AlreadyRegistered, (await factory.Get<RegistrationService>().RegisterAsync(eventId, Person("dominique@example.org"), RegistrationSource.Staff)).Value!.Kind);
        Assert.Equal(RegistrationOutcomeKind.AlreadyRegistered, (await factory.Get<RegistrationService>().RegisterAsync(eventId, Person("dominique@example.org"), RegistrationSource.Staff)).Value!.Kind);
        var emails = await EmailsToAsync(factory, "dominique@example.org");
        Assert.Equal(3, emails.Count);
        Assert.All(emails, e => Assert.Contains("Bonjour Dominique", e.Message.Html, StringComparison.Ordinal));
        Assert.Equal(4, (await factory.Get<EventCatalogue>().GetSummaryAsync(eventId)).Value!.SeatsLeft);
    }
}
