using System.Globalization;

namespace Microstructures.Core.Newsletter;

// A month of issues ("2026-03"): an issue's id, its campaign's id and the "month done" record's key.
public readonly record struct NewsletterMonth(int Year, int Month) : IComparable<NewsletterMonth>
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public static bool TryParse(string? text, out NewsletterMonth month)
    {
        month = default;
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || year is < 2000 or > 9999 || number is < 1 or > 12)
        {
            return false;
        }
        month = new NewsletterMonth(year, number);
        return true;
    }

    public static NewsletterMonth Parse(string text) =>
        TryParse(text, out var month) ? month : throw new FormatException($"'{text}' is not a month (yyyy-MM).");

    // The CNRMS works in Paris: the month of a moment is its Paris month.
    public static NewsletterMonth Of(DateTimeOffset at)
    {
        var paris = TimeZoneInfo.ConvertTime(at, SendSchedule.Paris);
        return new NewsletterMonth(paris.Year, paris.Month);
    }

    public DateOnly FirstDay => new(Year, Month, 1);

    // "mars 2026"
    public string Label => FirstDay.ToString("MMMM yyyy", French);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");

    public int CompareTo(NewsletterMonth other) => (Year * 12 + Month).CompareTo(other.Year * 12 + other.Month);

    public static bool operator <(NewsletterMonth left, NewsletterMonth right) => left.CompareTo(right) < 0;
    public static bool operator >(NewsletterMonth left, NewsletterMonth right) => left.CompareTo(right) > 0;
    public static bool operator <=(NewsletterMonth left, NewsletterMonth right) => left.CompareTo(right) <= 0;
    public static bool operator >=(NewsletterMonth left, NewsletterMonth right) => left.CompareTo(right) >= 0;
}

// Newsletter__SendDay: the n-th given weekday of the month ("FirstTuesday"), or a fixed day (1–28, so
// that every month has it).
public readonly record struct SendDay(int? DayOfMonth, int Ordinal, DayOfWeek Weekday)
{
    private static readonly string[] Ordinals = ["First", "Second", "Third", "Fourth"];

    public static bool TryParse(string? text, out SendDay day)
    {
        day = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            day = new SendDay(number, 0, default);
            return number is >= 1 and <= 28;
        }
        for (var i = 0; i < Ordinals.Length; i++)
        {
            var name = text.StartsWith(Ordinals[i], StringComparison.OrdinalIgnoreCase) ? text[Ordinals[i].Length..] : "";
            if (name.Length > 0 && name.All(char.IsAsciiLetter) && Enum.TryParse<DayOfWeek>(name, ignoreCase: true, out var weekday))
            {
                day = new SendDay(null, i + 1, weekday);
                return true;
            }
        }
        return false;
    }

    public DateOnly In(NewsletterMonth month)
    {
        if (DayOfMonth is { } fixedDay)
        {
            return new DateOnly(month.Year, month.Month, fixedDay);
        }
        var first = month.FirstDay;
        var offset = ((int)Weekday - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(offset + (7 * (Ordinal - 1)));
    }
}

// When a month's issue goes out: the configured day and hour in Paris, converted to an instant with
// Paris' offset of that day (CET or CEST). The timer runs on a frequent UTC schedule and asks this.
public static class SendSchedule
{
    public static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public static DateTimeOffset SendTime(NewsletterMonth month, NewsletterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!SendDay.TryParse(options.SendDay, out var day))
        {
            throw new InvalidOperationException($"Newsletter:SendDay '{options.SendDay}' is not valid.");
        }
        return AtParis(day.In(month).ToDateTime(new TimeOnly(options.SendHour, 0)));
    }

    // A Paris wall-clock time as an instant. In the spring-forward gap (02:00–03:00 on the last Sunday
    // of March) the hour does not exist: the clock shows 03:00 at that instant, so that is when. In the
    // repeated autumn hour, the first occurrence (summer time).
    public static DateTimeOffset AtParis(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (Paris.IsInvalidTime(local))
        {
            var before = Paris.GetUtcOffset(local.AddHours(-2));
            return new DateTimeOffset(local, before).ToUniversalTime();
        }
        var offset = Paris.IsAmbiguousTime(local) ? Paris.GetAmbiguousTimeOffsets(local).Max() : Paris.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
