namespace Microstructures.Core.Submissions;

public enum FieldType
{
    MicrostructureId,
    Pseudonym,
    BirthYear,
    Date,
    Code,
    Codes,
    YesNo,
    Count,
}

// One field of a submission, the same in both formats: Name is the JSON property, Column the CSV header
// (a header is matched without case, accents or punctuation, so "Année de naissance" is also read as
// annee_naissance's label). The JSON Schema, the CSV layout, the template and the parser all come from here.
public sealed record SubmissionField(
    string Name, string Column, string Label, FieldType Type, bool Required, string Description, string Example,
    Vocabulary? Vocabulary = null, int Max = 0);

// "total = sum of parts" where a total is given (DHIS2's validation rules): the total may be left empty.
public sealed record TotalRule(string Total, IReadOnlyList<string> Parts);

public static class SubmissionFields
{
    // Multi-valued cells in CSV: codes separated by a vertical bar ("precarity|mental-health").
    public const char ListSeparator = '|';

    public const int MaxActsPerPatient = 1_000;
    public const int MaxActivityCount = 1_000_000;

    private static SubmissionField Microstructure => new("microstructureId", "microstructure_id", "Microstructure", FieldType.MicrostructureId, true,
        "Identifiant de la microstructure dans la plateforme (celui de la liste de votre réseau).", "cabinet-des-tanneurs");

    private static SubmissionField Acts(string name, string column, string label, int max, string example) =>
        new(name, column, label, FieldType.Count, false, $"Nombre d'actes ({label.ToLowerInvariant()}) pendant la période.", example, Max: max);

    public static readonly IReadOnlyList<SubmissionField> Fiche =
    [
        Microstructure,
        new("pseudonym", "pseudonyme", "Pseudonyme", FieldType.Pseudonym, true,
            "Pseudonyme choisi par l'équipe : 3 à 24 caractères parmi A-Z, 0-9 et le tiret, au moins une lettre et un chiffre ; ni date, ni numéro de sécurité sociale, ni téléphone.", "PAT-0001"),
        new("birthYear", "annee_naissance", "Année de naissance", FieldType.BirthYear, true,
            "Année de naissance seule (jamais la date) : l'âge pendant la période doit être compris entre 12 et 110 ans.", "1978"),
        new("sex", "sexe", "Sexe", FieldType.Code, true, Vocabularies.Sex.Description, "female", Vocabularies.Sex),
        new("inclusionDate", "date_inclusion", "Date d'inclusion", FieldType.Date, true,
            "Date d'inclusion dans la microstructure (AAAA-MM-JJ ou JJ/MM/AAAA), au plus tard le dernier jour de la période.", "2025-02-03"),
        new("experiment", "experimentation", "Expérimentation", FieldType.Code, true, Vocabularies.Experiment.Description, "equip-addict", Vocabularies.Experiment),
        new("mainReason", "motif_principal", "Motif principal", FieldType.Code, true, "Motif principal d'inclusion.", "addiction", Vocabularies.Reason),
        new("otherReasons", "autres_motifs", "Autres motifs", FieldType.Codes, false, "Autres motifs d'inclusion, sans répéter le motif principal.", "precarity", Vocabularies.Reason),
        new("mainSubstance", "produit_principal", "Produit principal", FieldType.Code, false, "Produit principal à l'inclusion (vide si aucun).", "alcohol", Vocabularies.Substance),
        new("otherSubstances", "autres_produits", "Autres produits", FieldType.Codes, false, "Autres produits consommés, sans répéter le produit principal.", "tobacco|cannabis", Vocabularies.Substance),
        new("polyUse", "polyconsommation", "Polyconsommation", FieldType.YesNo, false, "Le patient est-il polyconsommateur ?", "yes", Vocabularies.YesNo),
        new("disorders", "troubles_cim10", "Troubles psychiatriques (CIM-10)", FieldType.Codes, false, Vocabularies.Disorder.Description, "F30-F39", Vocabularies.Disorder),
        new("stableHousing", "logement_stable", "Logement stable", FieldType.YesNo, false, "Le patient a-t-il un logement stable ?", "no", Vocabularies.YesNo),
        new("income", "ressources", "Ressources principales", FieldType.Code, false, Vocabularies.Income.Description, "minimum-income", Vocabularies.Income),
        new("healthRightsProblems", "difficultes_droits_sante", "Difficultés d'accès aux droits de santé", FieldType.YesNo, false,
            "Le patient a-t-il des difficultés d'accès aux droits de santé (couverture maladie, complémentaire) ?", "yes", Vocabularies.YesNo),
        new("screenings", "depistages", "Dépistages", FieldType.Codes, false, Vocabularies.Screening.Description, "hiv|hcv", Vocabularies.Screening),
        new("hbvVaccinated", "vaccination_vhb", "Vaccination VHB", FieldType.YesNo, false, "Le patient a-t-il été vacciné contre l'hépatite B pendant la période ?", "no", Vocabularies.YesNo),
        new("hcvTreatment", "traitement_vhc", "Traitement VHC", FieldType.Code, false, Vocabularies.HcvTreatment.Description, "none", Vocabularies.HcvTreatment),
        Acts("actsGp", "actes_medecin", "Actes du médecin généraliste", MaxActsPerPatient, "6"),
        Acts("actsPsychologist", "actes_psychologue", "Actes du psychologue", MaxActsPerPatient, "4"),
        Acts("actsSocialWorker", "actes_travailleur_social", "Actes du travailleur social", MaxActsPerPatient, "2"),
        Acts("actsPsychiatrist", "actes_psychiatre", "Actes du psychiatre", MaxActsPerPatient, "0"),
        Acts("actsTotal", "actes_total", "Total des actes", MaxActsPerPatient * 4, "12"),
    ];

    public static readonly IReadOnlyList<SubmissionField> Activity =
    [
        Microstructure,
        Acts("actsGp", "actes_medecin", "Actes des médecins généralistes", MaxActivityCount, "820"),
        Acts("actsPsychologist", "actes_psychologue", "Actes du psychologue", MaxActivityCount, "310"),
        Acts("actsSocialWorker", "actes_travailleur_social", "Actes du travailleur social", MaxActivityCount, "190"),
        Acts("actsPsychiatrist", "actes_psychiatre", "Actes du psychiatre", MaxActivityCount, "12"),
        Acts("actsTotal", "actes_total", "Total des actes", MaxActivityCount * 4, "1332"),
        new("caseReviewMeetings", "reunions_synthese", "Réunions de synthèse", FieldType.Count, false, "Réunions de synthèse tenues pendant la période.", "11", Max: 10_000),
        new("screeningsHiv", "depistages_vih", "Dépistages VIH", FieldType.Count, false, "Dépistages du VIH réalisés.", "14", Max: MaxActivityCount),
        new("screeningsHcv", "depistages_vhc", "Dépistages VHC", FieldType.Count, false, "Dépistages de l'hépatite C réalisés.", "17", Max: MaxActivityCount),
        new("screeningsHbv", "depistages_vhb", "Dépistages VHB", FieldType.Count, false, "Dépistages de l'hépatite B réalisés.", "12", Max: MaxActivityCount),
        new("screeningsTotal", "depistages_total", "Total des dépistages", FieldType.Count, false, "Total des dépistages (VIH + VHC + VHB).", "43", Max: MaxActivityCount * 3),
        new("hbvVaccinations", "vaccinations_vhb", "Vaccinations VHB", FieldType.Count, false, "Vaccinations contre l'hépatite B réalisées.", "5", Max: MaxActivityCount),
        new("hcvTreatmentsStarted", "traitements_vhc_inities", "Traitements VHC initiés", FieldType.Count, false, "Traitements de l'hépatite C initiés.", "2", Max: MaxActivityCount),
        new("hcvTreatmentsContinued", "traitements_vhc_poursuivis", "Traitements VHC poursuivis", FieldType.Count, false, "Traitements de l'hépatite C poursuivis.", "1", Max: MaxActivityCount),
        new("fibroscanActs", "fibroscan", "Actes de Fibroscan", FieldType.Count, false, "Actes d'élastométrie hépatique (Fibroscan).", "9", Max: MaxActivityCount),
    ];

    public static readonly IReadOnlyList<TotalRule> FicheTotals = [new("actsTotal", ["actsGp", "actsPsychologist", "actsSocialWorker", "actsPsychiatrist"])];

    public static readonly IReadOnlyList<TotalRule> ActivityTotals =
    [
        new("actsTotal", ["actsGp", "actsPsychologist", "actsSocialWorker", "actsPsychiatrist"]),
        new("screeningsTotal", ["screeningsHiv", "screeningsHcv", "screeningsHbv"]),
    ];

    public static IReadOnlyList<SubmissionField> Of(SubmissionKind kind) => kind == SubmissionKind.PatientFiches ? Fiche : Activity;

    public static IReadOnlyList<TotalRule> TotalsOf(SubmissionKind kind) => kind == SubmissionKind.PatientFiches ? FicheTotals : ActivityTotals;

    // The JSON document's array of rows: {"fiches": [...]} or {"activity": [...]}.
    public static string RowsProperty(SubmissionKind kind) => kind == SubmissionKind.PatientFiches ? "fiches" : "activity";
}
