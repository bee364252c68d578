using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Forfaits;
using Microstructures.Core.ReferenceData;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Forfaits;

public sealed class ForfaitFiguresTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task FiguresPerMicrostructureNetworkRegionAndNation()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 10, 9, 0, 0, TimeSpan.Zero));
        using var h = new ForfaitHarness(azurite.IsolatedConnectionString(), time, OrgDates.Today(time));
        await h.SeedTreeAsync();
        var renewedThisYear = await h.IncludeAsync(ForfaitHarness.MicrostructureA1, "F-2", new DateOnly(2026, 2, 20));
        await h.IncludeAsync(ForfaitHarness.MicrostructureA1, "F-3", new DateOnly(2026, 5, 2), "sante-mentale"); // lapses on 2027-05-01
        var closedAfterLapse = await h.IncludeAsync(ForfaitHarness.MicrostructureA2, "F-4", new DateOnly(2026, 5, 3));
        time.SetUtcNow(new DateTimeOffset(2027, 1, 10, 9, 0, 0, TimeSpan.Zero));
        Assert.True((await h.Forfaits.RenewAsync(renewedThisYear.Id, null, Actor.Staff)).IsSuccess); // period 2 starts 2027-02-20
        await h.IncludeAsync(ForfaitHarness.MicrostructureA2, "F-5", new DateOnly(2026, 9, 22));
        time.SetUtcNow(new DateTimeOffset(2027, 6, 15, 9, 0, 0, TimeSpan.Zero));
        Assert.True((await h.Forfaits.CloseAsync(closedAfterLapse.Id, new ClosureInput("lost-to-follow-up"), Actor.Staff)).IsSuccess);
        await h.IncludeAsync(ForfaitHarness.MicrostructureA1, "F-1", new DateOnly(2026, 6, 26)); // ends in 10 days
        await h.IncludeAsync(ForfaitHarness.MicrostructureB1, "F-6", new DateOnly(2026, 7, 1), "sante-mentale"); // ends in 15 days
        var figures = h.Get<ForfaitFigures>();

        var nation = (await figures.GetAsync(FigureLevel.Nation, null, Actor.Staff)).Value!;
        var networkA = (await figures.GetAsync(FigureLevel.Network, ForfaitHarness.NetworkA, ForfaitHarness.NetworkActor(ForfaitHarness.NetworkA))).Value!;
        var a2 = (await figures.GetAsync(FigureLevel.Microstructure, ForfaitHarness.MicrostructureA2, Actor.Staff)).Value!;

        Assert.Equal(new FigureValues(Active: 4, DueWithin30Days: 2, Lapsed: 1, RenewedThisYear: 1, NotRenewedThisYear: 1, EurosAtStake: 806m + 829m + 829m, EurosSecuredThisYear: 806m), nation.Values);
        Assert.Equal(0.5, nation.Values.RenewalRate);
        var region = Assert.Single(nation.Children);
        Assert.Equal((FigureLevel.Region, "grand-est", nation.Values), (region.Level, region.Id, region.Values));
        Assert.Equal([ForfaitHarness.NetworkA, ForfaitHarness.NetworkB], region.Children.Select(n => n.Id));
        Assert.Equal(new FigureValues(3, 1, 1, 1, 1, 806m + 829m, 806m), networkA.Values);
        Assert.Equal(new FigureValues(2, 1, 1, 1, 1, 806m + 829m, 806m), networkA.Children.Single(m => m.Id == ForfaitHarness.MicrostructureA1).Values);
        // The closed forfait counts nowhere, not even as a period not renewed.
        Assert.Equal(new FigureValues(1, 0, 0, 0, 0, 0m, 0m), a2.Values);
        Assert.Null(a2.Values.RenewalRate);
    }

    [Fact]
    public async Task ANetworkSeesOnlyItsOwnFigures()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 10, 9, 0, 0, TimeSpan.Zero));
        using var h = new ForfaitHarness(azurite.IsolatedConnectionString(), time, OrgDates.Today(time));
        await h.SeedTreeAsync();
        var figures = h.Get<ForfaitFigures>();
        var networkA = ForfaitHarness.NetworkActor(ForfaitHarness.NetworkA);

        Assert.Equal(ResultKind.NotFound, (await figures.GetAsync(FigureLevel.Network, ForfaitHarness.NetworkB, networkA)).Kind);
        Assert.Equal(ResultKind.NotFound, (await figures.GetAsync(FigureLevel.Microstructure, ForfaitHarness.MicrostructureB1, networkA)).Kind);
        Assert.Equal(ResultKind.NotFound, (await figures.GetAsync(FigureLevel.Nation, null, networkA)).Kind);
        Assert.Equal(ResultKind.NotFound, (await figures.GetAsync(FigureLevel.Region, "grand-est", networkA)).Kind);
        Assert.True((await figures.GetAsync(FigureLevel.Microstructure, ForfaitHarness.MicrostructureA2, networkA)).IsSuccess);
        Assert.Equal(ResultKind.NotFound, (await figures.GetAsync(FigureLevel.Region, "inconnue", Actor.Staff)).Kind);
    }
}
