using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microstructures.Core.Common;
using Microstructures.Core.Registrations;
using Microstructures.TestSupport;
using static Microstructures.Functions.Tests.Registrations.RegistrationServiceKit;

namespace Microstructures.Functions.Tests.Registrations;

// The metric Registrations: one per registration taken, by status; a known address registering again
// takes nothing and counts nothing.
public sealed class RegistrationMetricsTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task EachRegistrationTakenIsCountedOnceAsConfirmedOrWaitlisted()
    {
        await using var services = PlatformServices.Create(azurite);
        var eventId = await CreateEventAsync(services, capacity: 1);
        using var counted = new MetricCollector<long>(services.Get<IMeterFactory>(), PlatformMetrics.MeterName, "Registrations");

        await RegisterAsync(services, eventId, Person("premiere@example.org"));
        await RegisterAsync(services, eventId, Person("seconde@example.org"));
        var again = await RegisterAsync(services, eventId, Person("premiere@example.org"));

        Assert.Equal(RegistrationOutcomeKind.AlreadyRegistered, again.Kind);
        Assert.Equal(["confirmed", "waitlisted"], counted.GetMeasurementSnapshot().Select(m => (string)m.Tags["status"]!).Order());
        Assert.All(counted.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
    }
}
