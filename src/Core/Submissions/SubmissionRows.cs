using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microstructures.Core.Submissions;

// A patient fiche once validated: codes are the vocabularies' codes, lists in vocabulary order without
// repeats, so that two fiches saying the same thing serialise to the same text (which is how an
// unchanged fiche is recognised). The acts' total is checked, not stored: it is the sum of its parts.
public sealed record PatientFiche(
    string MicrostructureId, string Pseudonym, int BirthYear, string Sex, DateOnly InclusionDate, string Experiment,
    string MainReason, IReadOnlyList<string> OtherReasons, string? MainSubstance, IReadOnlyList<string> OtherSubstances,
    bool? PolyUse, IReadOnlyList<string> Disorders, bool? StableHousing, string? Income, bool? HealthRightsProblems,
    IReadOnlyList<string> Screenings, bool? HbvVaccinated, string? HcvTreatment,
    int? ActsGp, int? ActsPsychologist, int? ActsSocialWorker, int? ActsPsychiatrist)
{
    public IEnumerable<string> AllReasons => OtherReasons.Prepend(MainReason);

    public IEnumerable<string> AllSubstances => MainSubstance is null ? OtherSubstances : OtherSubstances.Prepend(MainSubstance);
}

// A microstructure's activity for a period; a missing figure was not reported (not zero).
public sealed record MicrostructureActivity(
    string MicrostructureId, int? ActsGp, int? ActsPsychologist, int? ActsSocialWorker, int? ActsPsychiatrist,
    int? CaseReviewMeetings, int? ScreeningsHiv, int? ScreeningsHcv, int? ScreeningsHbv, int? HbvVaccinations,
    int? HcvTreatmentsStarted, int? HcvTreatmentsContinued, int? FibroscanActs);

// One accepted row, ready to store: Key is the pseudonym of a fiche, empty for an activity row; Data its
// canonical JSON.
public sealed record ValidRow(int Line, string MicrostructureId, string Key, string Data);

// A rejected row's reason: Line is the CSV line (the header is line 1) or the JSON index; Field the
// column or property as sent.
public sealed record RowError(int Line, string Field, string Reason);

public static class SubmissionRowJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(PatientFiche fiche) => JsonSerializer.Serialize(fiche, Options);

    public static string Serialize(MicrostructureActivity activity) => JsonSerializer.Serialize(activity, Options);

    public static PatientFiche Fiche(string data) =>
        JsonSerializer.Deserialize<PatientFiche>(data, Options) ?? throw new InvalidDataException("Empty fiche data.");

    public static MicrostructureActivity Activity(string data) =>
        JsonSerializer.Deserialize<MicrostructureActivity>(data, Options) ?? throw new InvalidDataException("Empty activity data.");
}
