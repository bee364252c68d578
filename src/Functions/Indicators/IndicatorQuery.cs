using System.Globalization;
using Microstructures.Core.Indicators;
using Microstructures.Core.Submissions;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Indicators;

// ?level=nation|region|network|microstructure&id=&year=&month= as the indicator functions and the
// dashboard read it: the nation by default, the previous year (Paris time) when no year is given.
public sealed record IndicatorQuery(IndicatorLevel Level, string? Id, int Year, int? Month)
{
    public const string LevelRequired = "Niveau inconnu : nation, region, network ou microstructure.";
    public const string IdRequired = "Indiquez l'identifiant (id) de la région, du réseau ou de la microstructure.";

    public static int DefaultYear(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).Year - 1;
    }

    public static IndicatorLevel? ParseLevel(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "nation" => IndicatorLevel.Nation,
        "region" => IndicatorLevel.Region,
        "network" => IndicatorLevel.Network,
        "microstructure" => IndicatorLevel.Microstructure,
        _ => null,
    };

    public static string Slug(IndicatorLevel level) => level.ToString().ToLowerInvariant();

    // The query, or the field errors (in French) to answer 400 with.
    public static (IndicatorQuery? Query, Dictionary<string, string[]> Errors) Read(HttpRequest request, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var level = ParseLevel(request.QueryValue("level"));
        if (level is null)
        {
            errors["level"] = [LevelRequired];
        }
        var id = request.QueryValue("id") is { Length: > 0 } given ? given.Trim().ToLowerInvariant() : null;
        if (level is not null and not IndicatorLevel.Nation && id is null)
        {
            errors["id"] = [IdRequired];
        }
        var year = DefaultYear(time);
        if (request.QueryValue("year") is { Length: > 0 } yearText && !int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out year))
        {
            errors["year"] = [IndicatorMessages.BadPeriod];
        }
        int? month = null;
        if (request.QueryValue("month") is { Length: > 0 } monthText)
        {
            if (int.TryParse(monthText, NumberStyles.None, CultureInfo.InvariantCulture, out var m))
            {
                month = m;
            }
            else
            {
                errors["month"] = [IndicatorMessages.BadPeriod];
            }
        }
        return errors.Count > 0 ? (null, errors) : (new IndicatorQuery(level!.Value, id, year, month), errors);
    }

    public string FileName =>
        $"indicateurs-{Slug(Level)}{(Id is null || Level == IndicatorLevel.Nation ? "" : "-" + Id)}-{new SubmissionPeriod(Year, Month)}.csv";
}
