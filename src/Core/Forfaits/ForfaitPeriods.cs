namespace Microstructures.Core.Forfaits;

public sealed record PeriodDates(int Number, DateOnly Start, DateOnly End);

// The yearly periods of a forfait. A period runs from its start to the day before the same date one
// year later (its last day, "End", inclusive); the next period starts the day after, whenever the
// renewal is recorded: periods are contiguous and each lasts one calendar year (365 or 366 days).
// A start on 29 February (only an inclusion can start there) has its anniversary on 1 March of the
// next year, a common year: the period 29/02/2028 - 28/02/2029 is followed by 01/03/2029 - 28/02/2030,
// then 01/03/2030 - 28/02/2031, 01/03/2031 - 29/02/2032 (a leap year), ... Each renewal is dated from
// the previous period's end, never from the day it is recorded.
public static class ForfaitPeriods
{
    public static DateOnly Anniversary(DateOnly start) =>
        start is { Month: 2, Day: 29 } ? new DateOnly(start.Year + 1, 3, 1) : start.AddYears(1);

    public static DateOnly EndOf(DateOnly start) => Anniversary(start).AddDays(-1);

    public static PeriodDates First(DateOnly inclusion) => new(1, inclusion, EndOf(inclusion));

    public static PeriodDates Next(PeriodDates previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var start = previous.End.AddDays(1);
        return new PeriodDates(previous.Number + 1, start, EndOf(start));
    }

    // The chain from the inclusion: the period holding a date, or the one ending on a date.
    public static PeriodDates Containing(DateOnly inclusion, DateOnly date)
    {
        var period = First(inclusion);
        while (period.End < date)
        {
            period = Next(period);
        }
        return period;
    }

    // The reminder of "days" before a period's end is due on End - days.
    public static DateOnly DueDate(DateOnly end, int days) => end.AddDays(-days);
}
