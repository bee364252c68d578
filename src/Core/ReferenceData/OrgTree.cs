using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Microstructures.Core.ReferenceData;

// What the manage API and the network API read: the org tree nation → region → network → microstructure.
// Ids are slugs ("rms-alsace") that a spreadsheet can carry; Version is the row's ETag, sent back on
// update so that two people editing the same entity cannot overwrite each other silently.
public sealed record Region(string Id, string Name, string? ClosedOn, string Version);

public sealed record Network(
    string Id, string Name, string CarryingAssociation, string RegionId,
    string AdministrativeCoordinatorEmail, string MedicalCoordinatorEmail, string? ClosedOn, string Version);

public sealed record Microstructure(
    string Id, string NetworkId, string Name, string Town, string Postcode, string PracticeType,
    IReadOnlyList<string> ContactEmails, string OpenedOn, string? ClosedOn, string Version)
{
    // Filled by the single-entity reads, not by lists.
    public IReadOnlyList<TeamComposition>? Teams { get; init; }
}

public sealed record TeamComposition(string MicrostructureId, int Year, int Gps, int Psychologists, int SocialWorkers, int Psychiatrists);

public sealed record OrgTree(IReadOnlyList<OrgTreeRegion> Regions);

public sealed record OrgTreeRegion(Region Region, IReadOnlyList<OrgTreeNetwork> Networks);

public sealed record OrgTreeNetwork(Network Network, IReadOnlyList<Microstructure> Microstructures);

// Inputs: every field nullable so a missing field is a French field error, not a binding failure.
public sealed record RegionInput(string? Id, string? Name, string? Version = null);

public sealed record NetworkInput(
    string? Id, string? Name, string? CarryingAssociation, string? RegionId,
    string? AdministrativeCoordinatorEmail, string? MedicalCoordinatorEmail, string? Version = null);

public sealed record MicrostructureInput(
    string? Id, string? NetworkId, string? Name, string? Town, string? Postcode, string? PracticeType,
    IReadOnlyList<string>? ContactEmails, string? OpenedOn, string? Version = null);

public sealed record TeamInput(int? Gps, int? Psychologists, int? SocialWorkers, int? Psychiatrists);

public sealed record CloseInput(string? ClosedOn);

public static class PracticeTypes
{
    public const string Cabinet = "cabinet";
    public const string Msp = "msp";

    public static bool IsValid(string? value) => value is Cabinet or Msp;
}

public static partial class Slugs
{
    public const int MaxLength = 64;

    public static bool IsValid(string? value) =>
        value is { Length: >= 2 and <= MaxLength } && SlugPattern().IsMatch(value);

    // "RMS Île-de-France (Proses)" → "rms-ile-de-france-proses".
    public static string FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var slug = new StringBuilder();
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }
        var text = slug.ToString().Trim('-');
        return text.Length > MaxLength ? text[..MaxLength].TrimEnd('-') : text;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}

public static partial class OrgDates
{
    public const string Format = "yyyy-MM-dd";

    public static bool TryParse(string? value, out DateOnly date) =>
        DateOnly.TryParseExact(value?.Trim(), Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
        || DateOnly.TryParseExact(value?.Trim(), "dd/MM/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static string ToText(DateOnly date) => date.ToString(Format, CultureInfo.InvariantCulture);

    // A date the platform stored itself (yyyy-MM-dd).
    public static DateOnly Parse(string text) => DateOnly.ParseExact(text, Format, CultureInfo.InvariantCulture);

    // The CNRMS works in Paris: "today" is the Paris date.
    public static DateOnly Today(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), paris).DateTime);
    }

    public static bool IsPostcode(string? value) => value is not null && PostcodePattern().IsMatch(value);

    [GeneratedRegex("^[0-9]{5}$", RegexOptions.CultureInvariant)]
    private static partial Regex PostcodePattern();
}
