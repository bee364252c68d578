namespace Microstructures.Core.Common;

// The dates the platform accepts, wherever a person types one: from 1 January 1990 (before the first
// microstructures) to 31 December 2100. Outside, a date is a typo; and Table Storage refuses dates
// before 1601, date arithmetic overflows near year 9999.
public static class PlatformDates
{
    public static readonly DateOnly Earliest = new(1990, 1, 1);
    public static readonly DateOnly Latest = new(2100, 12, 31);

    public const string RangeText = "entre le 1er janvier 1990 et le 31 décembre 2100";

    public static bool IsInRange(DateOnly date) => date >= Earliest && date <= Latest;

    public static bool IsInRange(DateTime date) => IsInRange(DateOnly.FromDateTime(date));
}
