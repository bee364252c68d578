using System.Globalization;
using System.Text.RegularExpressions;

namespace Microstructures.Core.Submissions;

public enum SubmissionKind
{
    PatientFiches,
    MicrostructureActivity,
}

public static class SubmissionKinds
{
    public const string PatientFichesSlug = "patient-fiches";
    public const string MicrostructureActivitySlug = "microstructure-activity";

    public static string Slug(this SubmissionKind kind) => kind == SubmissionKind.PatientFiches ? PatientFichesSlug : MicrostructureActivitySlug;

    public static string Label(this SubmissionKind kind) => kind == SubmissionKind.PatientFiches ? "fiches patients" : "activité des microstructures";

    public static SubmissionKind? Parse(string? slug) => slug?.Trim().ToLowerInvariant() switch
    {
        PatientFichesSlug => SubmissionKind.PatientFiches,
        MicrostructureActivitySlug => SubmissionKind.MicrostructureActivity,
        _ => null,
    };
}

// What a submission reports on: a calendar year ("2025") or one month of it ("2025-03").
public readonly partial record struct SubmissionPeriod(int Year, int? Month)
{
    public const int EarliestYear = 2019;

    public static SubmissionPeriod OfYear(int year) => new(year, null);

    public DateOnly Start => new(Year, Month ?? 1, 1);

    public DateOnly End => Month is { } m ? new DateOnly(Year, m, DateTime.DaysInMonth(Year, m)) : new DateOnly(Year, 12, 31);

    public bool IsMonth => Month is not null;

    public SubmissionPeriod YearPeriod => OfYear(Year);

    public bool Contains(DateOnly date) => date >= Start && date <= End;

    public override string ToString() =>
        Month is { } m ? $"{Year.ToString("D4", CultureInfo.InvariantCulture)}-{m.ToString("D2", CultureInfo.InvariantCulture)}" : Year.ToString("D4", CultureInfo.InvariantCulture);

    // "l'année 2025", "mars 2025".
    public string Label => Month is { } m
        ? new DateOnly(Year, m, 1).ToString("MMMM yyyy", CultureInfo.GetCultureInfo("fr-FR"))
        : "l'année " + Year.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out SubmissionPeriod period)
    {
        period = default;
        var match = PeriodPattern().Match(text?.Trim() ?? "");
        if (!match.Success)
        {
            return false;
        }
        var year = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
        int? month = match.Groups["month"].Success ? int.Parse(match.Groups["month"].Value, CultureInfo.InvariantCulture) : null;
        if (year < EarliestYear || year > 2100 || month is < 1 or > 12)
        {
            return false;
        }
        period = new SubmissionPeriod(year, month);
        return true;
    }

    public static SubmissionPeriod Parse(string text) =>
        TryParse(text, out var period) ? period : throw new FormatException($"Not a period: '{text}'.");

    [GeneratedRegex("^(?<year>[0-9]{4})(-(?<month>[0-9]{2}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodPattern();
}
