using System.Globalization;
using System.Text;
using Microstructures.Core.Common;
using Microstructures.Core.Privacy;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

public sealed record ForfaitValues(string MicrostructureId, string Pseudonym, ForfaitScheme Scheme, DateOnly InclusionDate);

// The rules and French messages of an inclusion, shared by the API, the digest page and the CSV import.
public static class ForfaitValidation
{
    public static readonly DateOnly EarliestInclusion = new(2019, 1, 1);

    // API field → the French label a person reads (and the CSV column it comes from).
    public static readonly IReadOnlyList<(string Field, string Label, string Column)> Fields =
    [
        ("microstructureId", "microstructure", "microstructure_id"),
        ("pseudonym", "pseudonyme", "pseudonyme"),
        ("schemeId", "dispositif", "dispositif"),
        ("inclusionDate", "date d'inclusion", "date_inclusion"),
    ];

    public static string Label(string field) => Fields.First(f => f.Field == field).Label;

    // Identifying data anywhere refuses the whole input; checked before any other rule.
    public static ValidationErrors FindIdentifyingData(ForfaitInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();
        foreach (var (field, value) in new[] { ("microstructureId", input.MicrostructureId), ("pseudonym", input.Pseudonym), ("schemeId", input.SchemeId), ("inclusionDate", input.InclusionDate) })
        {
            if (IdentifyingData.Check(value, Label(field)) is { } message)
            {
                errors.Add(field, message);
            }
        }
        return errors;
    }

    public static (ForfaitValues? Values, ValidationErrors Errors) Inclusion(ForfaitInput input, ForfaitOptions options, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new ValidationErrors();
        var microstructureId = input.MicrostructureId?.Trim().ToLowerInvariant() ?? "";
        if (!Slugs.IsValid(microstructureId))
        {
            errors.Add("microstructureId", "Indiquez l'identifiant de la microstructure, par exemple cabinet-des-tanneurs.");
        }
        if (Pseudonyms.Validate(input.Pseudonym) is { } pseudonymError)
        {
            errors.Add("pseudonym", pseudonymError);
        }
        var scheme = FindScheme(options, input.SchemeId);
        if (scheme is null)
        {
            errors.Add("schemeId", $"Indiquez le dispositif parmi : {SchemeChoices(options)}.");
        }
        if (!OrgDates.TryParse(input.InclusionDate, out var inclusion))
        {
            errors.Add("inclusionDate", "Indiquez la date d'inclusion au format AAAA-MM-JJ, par exemple 2026-03-15.");
        }
        else if (inclusion > today)
        {
            errors.Add("inclusionDate", "La date d'inclusion ne peut pas être dans le futur.");
        }
        else if (inclusion < EarliestInclusion)
        {
            errors.Add("inclusionDate", $"La date d'inclusion ne peut pas précéder le {Format(EarliestInclusion)}.");
        }
        return (errors.IsEmpty ? new ForfaitValues(microstructureId, Pseudonyms.Normalize(input.Pseudonym), scheme!, inclusion) : null, errors);
    }

    // By id ("equip-addict"), or by name as people write it in a spreadsheet ("Equip'Addict", "EQUIP ADDICT").
    public static ForfaitScheme? FindScheme(ForfaitOptions options, string? value)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = value?.Trim() ?? "";
        return options.FindScheme(text.ToLowerInvariant())
            ?? options.Schemes.FirstOrDefault(s => Simplify(s.Name) == Simplify(text) || Simplify(s.Id) == Simplify(text));
    }

    public static string SchemeChoices(ForfaitOptions options) =>
        string.Join(", ", (options ?? throw new ArgumentNullException(nameof(options))).Schemes.Select(s => $"{s.Id} ({s.Name})"));

    public static string Format(DateOnly date) => date.ToString("d MMMM yyyy", French);

    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    // Letters and digits only, lower case, accents dropped.
    private static string Simplify(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (char.IsLetterOrDigit(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }
        return builder.ToString();
    }
}
