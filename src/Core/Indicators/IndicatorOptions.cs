using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Microstructures.Core.Indicators;

// Settings "Indicators__…".
public sealed class IndicatorOptions : IValidatableObject
{
    public const string SectionName = "Indicators";

    // A year's report is on time when its first data arrived by this day of the following year (MM-dd,
    // Paris time). A month's report: by the end of the following month.
    public string AnnualDeadline { get; set; } = "03-31";

    // Public figures: counts from 1 to this minus one are hidden (with their complements).
    [Range(2, 100)]
    public int SuppressionThreshold { get; set; } = 5;

    // One run of the queued rebuild stops at its first checkpoint past this time and queues its own
    // continuation (a new message), so that a rebuild of any size ends across runs each well within the
    // function timeout (host.json: 5 minutes). Zero: one step per run.
    [Range(typeof(TimeSpan), "00:00:00", "00:04:00")]
    public TimeSpan RebuildRunBudget { get; set; } = TimeSpan.FromMinutes(3);

    public DateOnly DeadlineFor(int year, int? month)
    {
        if (month is { } m)
        {
            var next = new DateOnly(year, m, 1).AddMonths(1);
            return new DateOnly(next.Year, next.Month, DateTime.DaysInMonth(next.Year, next.Month));
        }
        var (deadlineMonth, day) = ParseDeadline(AnnualDeadline) ?? (3, 31);
        return new DateOnly(year + 1, deadlineMonth, Math.Min(day, DateTime.DaysInMonth(year + 1, deadlineMonth)));
    }

    private static (int Month, int Day)? ParseDeadline(string? text) =>
        DateOnly.TryParseExact("2000-" + text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? (date.Month, date.Day) : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ParseDeadline(AnnualDeadline) is null)
        {
            yield return new ValidationResult($"Indicators:AnnualDeadline must be a day of the year as MM-dd (e.g. 03-31), got '{AnnualDeadline}'.", [nameof(AnnualDeadline)]);
        }
    }
}
