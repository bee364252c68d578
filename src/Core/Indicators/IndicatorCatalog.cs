using Microstructures.Core.Submissions;

namespace Microstructures.Core.Indicators;

public enum IndicatorLevel
{
    Microstructure,
    Network,
    Region,
    Nation,
}

public enum IndicatorUnit
{
    Patients,
    Percent,
    Years,
    Ratio,
    Acts,
    Meetings,
    Microstructures,
    Professionals,
}

// What a figure means, returned with its value: French label, numerator, denominator, unit, the levels it
// exists at, and how a patient with several answers counts. Group: the table it belongs to (dashboard).
public sealed record IndicatorDefinition(
    string Code, string Label, string Group, IndicatorUnit Unit, string Numerator, string? Denominator, string Counting, string Levels);

// A sum of fact counters with signs: "patients − income.unknown".
internal sealed record FactSum(IReadOnlyList<(string Code, int Sign)> Terms)
{
    public static FactSum Of(params string[] codes) => new(codes.Select(c => (c, 1)).ToList());

    public FactSum Minus(string code) => new([.. Terms, (code, -1)]);

    public long Evaluate(PeriodFacts facts) => Terms.Sum(t => t.Sign * facts[t.Code]);
}

internal enum FormulaKind
{
    Count,
    Share,
    MeanAge,
    AgeStandardDeviation,
    PatientsPerGp,
    Team,
    Completeness,
}

// How a value is computed from a node's data; Cells are the suppressible counters it reveals.
internal sealed record IndicatorFormula(IndicatorDefinition Definition, FormulaKind Kind, string? Cell, FactSum? Numerator, FactSum? Denominator, string? Key)
{
    public IEnumerable<string> Cells => Kind switch
    {
        FormulaKind.Count => [Cell!],
        FormulaKind.Share => Numerator!.Terms.Select(t => t.Code).Concat(Denominator!.Terms.Select(t => t.Code)),
        FormulaKind.MeanAge or FormulaKind.AgeStandardDeviation => [FactCodes.Patients],
        FormulaKind.PatientsPerGp => [FactCodes.Patients],
        _ => [],
    };
}

// Every figure of the annual report (DOMAIN.md, "Activity data and indicators"), its definition and formula.
// Rules common to all: a patient is a fiche of a microstructure for the period; a patient followed by
// two microstructures counts in each (pseudonyms are the teams' own and cannot be matched across them).
// Network, region and nation figures are sums of their microstructures' facts.
public static class IndicatorCatalog
{
    private const string AllLevels = "microstructure, réseau, région, nation";
    private const string OnePerPatient = "Chaque patient compte une fois.";
    private const string SeveralAnswers = "Un patient compte une fois dans chacune de ses réponses : les parts sont rapportées aux patients et leur total peut dépasser 100 %.";

    internal static readonly IReadOnlyList<IndicatorFormula> Formulas = Build();

    public static IReadOnlyList<IndicatorDefinition> Definitions { get; } = Formulas.Select(f => f.Definition).ToList();

    private static readonly string[] YesNoUnknown = ["yes", "no", FactCodes.Unknown];

    // The tables whose cells add up to a total (total, parts): the equations complementary suppression keeps.
    internal static readonly IReadOnlyList<(string Total, IReadOnlyList<string> Parts)> Partitions =
    [
        (FactCodes.Patients, Vocabularies.Sex.Codes.Select(FactCodes.Sex).ToList()),
        (FactCodes.Patients, FactCodes.AgeBands.Select(b => FactCodes.AgeBand(b.Code)).ToList()),
        (FactCodes.Patients, Vocabularies.Experiment.Codes.Select(FactCodes.Experiment).ToList()),
        (FactCodes.Patients, Vocabularies.Reason.Codes.Select(FactCodes.MainReason).ToList()),
        (FactCodes.Patients, Vocabularies.Substance.Codes.Append(FactCodes.Unknown).Select(FactCodes.MainSubstance).ToList()),
        (FactCodes.Patients, YesNoUnknown.Select(FactCodes.PolyUse).ToList()),
        (FactCodes.Patients, YesNoUnknown.Select(FactCodes.Housing).ToList()),
        (FactCodes.Patients, Vocabularies.Income.Codes.Append(FactCodes.Unknown).Select(FactCodes.Income).ToList()),
        (FactCodes.Patients, YesNoUnknown.Select(FactCodes.HealthRights).ToList()),
        (FactCodes.Patients, YesNoUnknown.Select(FactCodes.HbvVaccinated).ToList()),
        (FactCodes.Patients, Vocabularies.HcvTreatment.Codes.Append(FactCodes.Unknown).Select(FactCodes.HcvTreatment).ToList()),
    ];

    // Every counter published as a count: the cells of complementary suppression.
    internal static IReadOnlyList<string> CountCells { get; } = Formulas.Where(f => f.Kind == FormulaKind.Count).Select(f => f.Cell!).Distinct().ToList();

    private static List<IndicatorFormula> Build()
    {
        var list = new List<IndicatorFormula>();
        var patients = FactSum.Of(FactCodes.Patients);

        void Count(string code, string label, string group, string numerator, string counting = OnePerPatient, IndicatorUnit unit = IndicatorUnit.Patients) =>
            list.Add(new(new(code, label, group, unit, numerator, null, counting, AllLevels), FormulaKind.Count, code, null, null, null));

        void Share(string code, string label, string group, string numerator, FactSum denominator, string denominatorText, string counting = OnePerPatient) =>
            list.Add(new(new(code + ".share", label + " (part)", group, IndicatorUnit.Percent, numerator, denominatorText, counting, AllLevels),
                FormulaKind.Share, null, FactSum.Of(code), denominator, null));

        void CountAndShare(string code, string label, string group, string numerator, FactSum denominator, string denominatorText, string counting = OnePerPatient)
        {
            Count(code, label, group, numerator, counting);
            Share(code, label, group, numerator, denominator, denominatorText, counting);
        }

        void Table(Vocabulary vocabulary, Func<string, string> code, string group, string what, string counting, bool withUnknown, string? denominatorMinus = null)
        {
            var denominator = denominatorMinus is null ? patients : patients.Minus(denominatorMinus);
            var denominatorText = denominatorMinus is null ? "Patients suivis" : "Patients suivis pour qui la réponse est renseignée";
            foreach (var term in vocabulary.Terms)
            {
                CountAndShare(code(term.Code), $"{what} : {term.Label}", group, $"Patients dont {what.ToLowerInvariant()} est « {term.Label} »", denominator, denominatorText, counting);
            }
            if (withUnknown)
            {
                Count(code(FactCodes.Unknown), $"{what} : non renseigné", group, $"Patients sans réponse pour {what.ToLowerInvariant()}", counting);
            }
        }

        void YesNo(Func<string, string> code, string group, string label)
        {
            var answered = FactSum.Of(code("yes"), code("no"));
            CountAndShare(code("yes"), label, group, $"Patients : {label.ToLowerInvariant()}, oui", answered, "Patients pour qui la réponse (oui ou non) est renseignée");
            Count(code("no"), label + " : non", group, $"Patients : {label.ToLowerInvariant()}, non");
            Count(code(FactCodes.Unknown), label + " : non renseigné", group, $"Patients sans réponse : {label.ToLowerInvariant()}");
        }

        // Patients.
        Count(FactCodes.Patients, "Patients suivis (file active)", "patients", "Patients ayant une fiche pour la période");
        CountAndShare(FactCodes.NewInclusions, "Nouvelles inclusions", "patients", "Patients dont la date d'inclusion tombe dans la période", patients, "Patients suivis");
        list.Add(new(new("patients.per-gp", "Patients par médecin généraliste", "patients", IndicatorUnit.Ratio, "Patients suivis",
            "Médecins généralistes des compositions d'équipe de l'année (microstructures ouvertes pendant la période)", OnePerPatient, AllLevels),
            FormulaKind.PatientsPerGp, null, null, null, null));
        Table(Vocabularies.Sex, FactCodes.Sex, "sex", "Sexe", OnePerPatient, withUnknown: false);
        list.Add(new(new("age.mean", "Âge moyen", "age", IndicatorUnit.Years, "Somme des âges (année de la période moins année de naissance)", "Patients suivis", OnePerPatient, AllLevels),
            FormulaKind.MeanAge, null, null, null, null));
        list.Add(new(new("age.sd", "Écart type de l'âge", "age", IndicatorUnit.Years, "√((Σâge² − (Σâge)²/n) / (n − 1)), écart type d'échantillon", "Patients suivis (n)", OnePerPatient, AllLevels),
            FormulaKind.AgeStandardDeviation, null, null, null, null));
        foreach (var band in FactCodes.AgeBands)
        {
            CountAndShare(FactCodes.AgeBand(band.Code), "Âge : " + band.Label, "age", $"Patients âgés de {band.Label.ToLowerInvariant()} pendant la période", patients, "Patients suivis");
        }
        Table(Vocabularies.Experiment, FactCodes.Experiment, "experiment", "Expérimentation", OnePerPatient, withUnknown: false);
        Table(Vocabularies.Reason, FactCodes.MainReason, "reason-main", "Motif principal", "Le motif principal seul : chaque patient compte une fois.", withUnknown: false);
        Table(Vocabularies.Reason, FactCodes.AnyReason, "reason-any", "Motif (principal ou autre)", SeveralAnswers, withUnknown: false);
        Table(Vocabularies.Substance, FactCodes.MainSubstance, "substance-main", "Produit principal", "Le produit principal seul : chaque patient compte une fois ; « non renseigné » regroupe les patients sans produit principal.", withUnknown: true);
        Table(Vocabularies.Substance, FactCodes.AnySubstance, "substance-any", "Produit (principal ou autre)", SeveralAnswers, withUnknown: false);
        YesNo(FactCodes.PolyUse, "polyuse", "Polyconsommation");
        Table(Vocabularies.Disorder, FactCodes.Disorder, "disorders", "Trouble", SeveralAnswers, withUnknown: false);
        CountAndShare(FactCodes.AnyDisorder, "Patients avec au moins un trouble psychiatrique", "disorders", "Patients avec au moins un groupe F renseigné", patients, "Patients suivis");
        YesNo(FactCodes.Housing, "social", "Logement stable");
        Table(Vocabularies.Income, FactCodes.Income, "social", "Ressources principales", OnePerPatient, withUnknown: true, denominatorMinus: FactCodes.Income(FactCodes.Unknown));
        YesNo(FactCodes.HealthRights, "social", "Difficultés d'accès aux droits de santé");
        Table(Vocabularies.Screening, FactCodes.Screened, "prevention-patients", "Patients dépistés", SeveralAnswers, withUnknown: false);
        YesNo(FactCodes.HbvVaccinated, "prevention-patients", "Vaccination VHB");
        Table(Vocabularies.HcvTreatment, FactCodes.HcvTreatment, "prevention-patients", "Traitement VHC", OnePerPatient, withUnknown: true, denominatorMinus: FactCodes.HcvTreatment(FactCodes.Unknown));
        Table(Vocabularies.Profession, FactCodes.SeenBy, "seen-by", "Patients vus par", SeveralAnswers + " Un patient est « vu » par une profession qui a au moins un acte sur sa fiche.", withUnknown: false);

        // Activity (the microstructures' activity rows; a figure left empty counts as zero).
        const string FromActivity = "Somme des lignes d'activité des microstructures ; un chiffre non renseigné compte pour zéro.";
        foreach (var profession in Vocabularies.Profession.Terms)
        {
            Count(FactCodes.Acts(profession.Code), "Actes : " + profession.Label, "acts", $"Actes des professionnels « {profession.Label} »", FromActivity, IndicatorUnit.Acts);
        }
        Count(FactCodes.CaseReviewMeetings, "Réunions de synthèse", "acts", "Réunions de synthèse tenues", FromActivity, IndicatorUnit.Meetings);
        foreach (var screening in Vocabularies.Screening.Terms)
        {
            Count(FactCodes.Screenings(screening.Code), "Dépistages " + screening.Label, "prevention", $"Dépistages {screening.Label} réalisés", FromActivity, IndicatorUnit.Acts);
        }
        Count(FactCodes.HbvVaccinations, "Vaccinations VHB", "prevention", "Vaccinations contre l'hépatite B", FromActivity, IndicatorUnit.Acts);
        Count(FactCodes.HcvTreatmentsStarted, "Traitements VHC initiés", "prevention", "Traitements de l'hépatite C initiés", FromActivity, IndicatorUnit.Acts);
        Count(FactCodes.HcvTreatmentsContinued, "Traitements VHC poursuivis", "prevention", "Traitements de l'hépatite C poursuivis", FromActivity, IndicatorUnit.Acts);
        Count(FactCodes.Fibroscan, "Actes de Fibroscan", "prevention", "Actes d'élastométrie hépatique", FromActivity, IndicatorUnit.Acts);

        // Teams (the org tree's compositions of the year; never suppressed: they describe professionals).
        const string Teams = "Compositions d'équipe de l'année dans l'annuaire, microstructures ouvertes pendant la période.";
        Team("teams.microstructures", "Microstructures", IndicatorUnit.Microstructures, "Microstructures ouvertes pendant la période");
        Team("teams.gps", "Médecins généralistes", IndicatorUnit.Professionals, Teams);
        Team("teams.psychologists", "Psychologues", IndicatorUnit.Professionals, Teams);
        Team("teams.social-workers", "Travailleurs sociaux", IndicatorUnit.Professionals, Teams);
        Team("teams.psychiatrists", "Psychiatres", IndicatorUnit.Professionals, Teams);

        // Completeness and timeliness (DHIS2): one expected report per microstructure open during the period.
        Completeness("reports.expected", "Rapports attendus", IndicatorUnit.Microstructures, "Microstructures ouvertes pendant la période", null);
        foreach (var (kind, label) in new[] { ("fiches", "fiches patients"), ("activity", "activité") })
        {
            Completeness($"reports.{kind}.received", $"Rapports reçus ({label})", IndicatorUnit.Microstructures, $"Microstructures ayant envoyé des données ({label}) pour la période", null);
            Completeness($"reports.{kind}.completeness", $"Complétude ({label})", IndicatorUnit.Percent, $"Microstructures ayant envoyé des données ({label})", "Rapports attendus");
            Completeness($"reports.{kind}.on-time", $"Rapports reçus à temps ({label})", IndicatorUnit.Microstructures, $"Microstructures dont les premières données ({label}) sont arrivées avant l'échéance", null);
            Completeness($"reports.{kind}.timeliness", $"Promptitude ({label})", IndicatorUnit.Percent, "Rapports reçus à temps", "Rapports attendus");
        }
        return list;

        void Team(string code, string label, IndicatorUnit unit, string numerator) =>
            list.Add(new(new(code, label, "teams", unit, numerator, null, "Chaque microstructure compte une fois.", AllLevels), FormulaKind.Team, null, null, null, code));

        void Completeness(string code, string label, IndicatorUnit unit, string numerator, string? denominator) =>
            list.Add(new(new(code, label, "reports", unit, numerator, denominator,
                "Une microstructure compte une fois ; l'échéance est le 31 mars de l'année suivante pour une année (réglage Indicators__AnnualDeadline), la fin du mois suivant pour un mois.", AllLevels),
                FormulaKind.Completeness, null, null, null, code));
    }
}
