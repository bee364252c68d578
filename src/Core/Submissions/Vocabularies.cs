using System.Globalization;
using System.Text;

namespace Microstructures.Core.Submissions;

// One allowed answer: its code (what files and the API carry) and its French label (what people read).
public sealed record VocabularyTerm(string Code, string Label);

// A closed list of answers. Codes are matched without case; a French label is accepted for its code
// too ("Précarité", "precarite" and "precarity" are the same answer), since networks fill spreadsheets.
public sealed class Vocabulary(string id, string label, string description, IReadOnlyList<VocabularyTerm> terms)
{
    public string Id { get; } = id;
    public string Label { get; } = label;
    public string Description { get; } = description;
    public IReadOnlyList<VocabularyTerm> Terms { get; } = terms;

    public IEnumerable<string> Codes => Terms.Select(t => t.Code);

    public VocabularyTerm? Find(string? value)
    {
        var key = Simplify(value);
        return key.Length == 0 ? null : Terms.FirstOrDefault(t => Simplify(t.Code) == key || Simplify(t.Label) == key);
    }

    public string LabelOf(string code) => Terms.FirstOrDefault(t => t.Code == code)?.Label ?? code;

    // "addiction (Addiction), precarity (Précarité), …" for error messages.
    public string Choices => string.Join(", ", Terms.Select(t => $"{t.Code} ({t.Label})"));

    // Letters and digits only, lower case, accents dropped: "Santé mentale" is "santementale".
    private static string Simplify(string? text)
    {
        var builder = new StringBuilder();
        foreach (var c in (text ?? "").Normalize(NormalizationForm.FormD))
        {
            if (char.IsLetterOrDigit(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }
        return builder.ToString();
    }
}

// The closed lists of the activity data, versioned as one set: a submission records the version it was
// read with, and a later version only adds terms or lists (a removed or renamed code would make older
// submissions unreadable by replay). Codes are English slugs, stable; labels are French and may be reworded.
public static class Vocabularies
{
    public const string Version = "2026.1";

    public static readonly IReadOnlyList<string> SupportedVersions = [Version];

    public static readonly Vocabulary Sex = new("sex", "Sexe", "Sexe du patient.",
    [
        new("female", "Femme"),
        new("male", "Homme"),
    ]);

    public static readonly Vocabulary Experiment = new("experiment", "Expérimentation",
        "Expérimentation « article 51 » dans laquelle le patient est inclus.",
    [
        new("equip-addict", "Equip'Addict"),
        new("sante-mentale", "Microstructures post-Covid / santé mentale"),
        new("none", "Aucune"),
    ]);

    public static readonly Vocabulary Reason = new("reason", "Motif d'inclusion",
        "Motif pour lequel le patient est suivi par la microstructure : un motif principal, d'autres possibles.",
    [
        new("addiction", "Addiction"),
        new("precarity", "Précarité"),
        new("mental-health", "Santé mentale"),
    ]);

    public static readonly Vocabulary Substance = new("substance", "Produit",
        "Produit consommé à l'inclusion : un produit principal, d'autres possibles.",
    [
        new("alcohol", "Alcool"),
        new("tobacco", "Tabac"),
        new("cannabis", "Cannabis"),
        new("cocaine", "Cocaïne"),
        new("opiates", "Opiacés"),
        new("substitution-misuse", "Mésusage de traitement de substitution"),
        new("other-medicines", "Autres médicaments"),
        new("other", "Autre produit"),
    ]);

    public static readonly Vocabulary Disorder = new("disorder", "Trouble psychiatrique (CIM-10)",
        "Troubles psychiatriques diagnostiqués, par groupe du chapitre F de la CIM-10 (les troubles liés aux produits, F10-F19, sont décrits par les produits).",
    [
        new("F00-F09", "F00-F09 Troubles mentaux organiques"),
        new("F20-F29", "F20-F29 Troubles psychotiques"),
        new("F30-F39", "F30-F39 Troubles de l'humeur"),
        new("F40-F48", "F40-F48 Troubles névrotiques et liés au stress"),
        new("F50-F59", "F50-F59 Syndromes comportementaux (alimentation, sommeil, sexualité)"),
        new("F60-F69", "F60-F69 Troubles de la personnalité"),
        new("F70-F79", "F70-F79 Retard mental"),
    ]);

    public static readonly Vocabulary Income = new("income", "Ressources principales",
        "Principale source de revenus du patient.",
    [
        new("work", "Revenus du travail"),
        new("unemployment-benefit", "Allocation chômage"),
        new("minimum-income", "RSA ou minima sociaux"),
        new("none", "Aucune ressource"),
    ]);

    public static readonly Vocabulary Screening = new("screening", "Dépistage",
        "Dépistages réalisés pendant la période.",
    [
        new("hiv", "VIH"),
        new("hcv", "VHC"),
        new("hbv", "VHB"),
    ]);

    public static readonly Vocabulary HcvTreatment = new("hcv-treatment", "Traitement VHC",
        "Traitement de l'hépatite C pendant la période.",
    [
        new("started", "Initié"),
        new("continued", "Poursuivi"),
        new("none", "Aucun"),
    ]);

    public static readonly Vocabulary YesNo = new("yes-no", "Oui ou non", "Réponse oui ou non.",
    [
        new("yes", "Oui"),
        new("no", "Non"),
    ]);

    public static readonly Vocabulary Profession = new("profession", "Profession",
        "Professionnels de la microstructure dont les actes sont comptés.",
    [
        new("gp", "Médecin généraliste"),
        new("psychologist", "Psychologue"),
        new("social-worker", "Travailleur social"),
        new("psychiatrist", "Psychiatre"),
    ]);

    public static readonly IReadOnlyList<Vocabulary> All = [Sex, Experiment, Reason, Substance, Disorder, Income, Screening, HcvTreatment, YesNo, Profession];

    public static bool IsSupported(string? version) => version is not null && SupportedVersions.Contains(version);

    // yes/no as people write it: oui, non, yes, no, true, false, 1, 0, o, n.
    public static bool? ParseYesNo(string? value) => (value ?? "").Trim().ToLowerInvariant() switch
    {
        "yes" or "oui" or "o" or "y" or "true" or "vrai" or "1" => true,
        "no" or "non" or "n" or "false" or "faux" or "0" => false,
        _ => null,
    };
}
