using Microstructures.Core.Forfaits;

namespace Microstructures.Core.Tests.Forfaits;

public sealed class ForfaitPeriodsTests
{
    [Fact]
    public void APeriodEndsTheDayBeforeItsAnniversaryAndTheNextStartsOnIt()
    {
        var first = ForfaitPeriods.First(new DateOnly(2026, 3, 10));
        var second = ForfaitPeriods.Next(first);

        Assert.Equal(new PeriodDates(1, new DateOnly(2026, 3, 10), new DateOnly(2027, 3, 9)), first);
        Assert.Equal(new PeriodDates(2, new DateOnly(2027, 3, 10), new DateOnly(2028, 3, 9)), second);
    }

    [Fact]
    public void A29FebruaryInclusionEndsOn28FebruaryAndTheChainGoesOnFrom1March()
    {
        var periods = new List<PeriodDates> { ForfaitPeriods.First(new DateOnly(2028, 2, 29)) };
        for (var i = 0; i < 4; i++)
        {
            periods.Add(ForfaitPeriods.Next(periods[^1]));
        }

        Assert.Equal(
            [
                (new DateOnly(2028, 2, 29), new DateOnly(2029, 2, 28)),
                (new DateOnly(2029, 3, 1), new DateOnly(2030, 2, 28)),
                (new DateOnly(2030, 3, 1), new DateOnly(2031, 2, 28)),
                (new DateOnly(2031, 3, 1), new DateOnly(2032, 2, 29)),
                (new DateOnly(2032, 3, 1), new DateOnly(2033, 2, 28)),
            ],
            periods.Select(p => (p.Start, p.End)));
        // Contiguous, each one calendar year long.
        Assert.All(periods.Zip(periods.Skip(1)), pair => Assert.Equal(pair.First.End.AddDays(1), pair.Second.Start));
        Assert.All(periods, p => Assert.Contains(p.End.DayNumber - p.Start.DayNumber + 1, new[] { 365, 366 }));
    }

    [Fact]
    public void ThePeriodHoldingADateIsFoundOnTheChainFromTheInclusion()
    {
        var inclusion = new DateOnly(2024, 5, 15);

        Assert.Equal(new PeriodDates(3, new DateOnly(2026, 5, 15), new DateOnly(2027, 5, 14)), ForfaitPeriods.Containing(inclusion, new DateOnly(2026, 11, 30)));
        Assert.Equal(1, ForfaitPeriods.Containing(inclusion, inclusion).Number);
        Assert.Equal(2, ForfaitPeriods.Containing(inclusion, new DateOnly(2025, 5, 15)).Number);
    }
}
