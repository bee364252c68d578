using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microstructures.Core.Indicators;

// The facts of one microstructure for one period: named counts and sums (n, Σx, Σx² for the ages), so
// that any level's figures are sums of facts and a mean or a standard deviation rolls up exactly.
// Counters are integers; a missing counter is zero. FichesReceivedAt / ActivityReceivedAt: when the
// first fiche / activity row of the period was received (null: none), for completeness and timeliness.
public sealed class PeriodFacts
{
    [JsonPropertyName("c")]
    public SortedDictionary<string, long> Counts { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("f")]
    public DateTimeOffset? FichesReceivedAt { get; set; }

    [JsonPropertyName("a")]
    public DateTimeOffset? ActivityReceivedAt { get; set; }

    [JsonIgnore]
    public bool HasFiches => FichesReceivedAt is not null;

    [JsonIgnore]
    public bool HasActivity => ActivityReceivedAt is not null;

    public long this[string code] => Counts.GetValueOrDefault(code);

    public void Add(string code, long value = 1)
    {
        if (value != 0)
        {
            Counts[code] = Counts.GetValueOrDefault(code) + value;
        }
    }

    public void AddAll(PeriodFacts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (code, value) in other.Counts)
        {
            Add(code, value);
        }
    }

    public static PeriodFacts Sum(IEnumerable<PeriodFacts> parts)
    {
        var sum = new PeriodFacts();
        foreach (var part in parts)
        {
            sum.AddAll(part);
        }
        return sum;
    }

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static PeriodFacts FromJson(string json) => JsonSerializer.Deserialize<PeriodFacts>(json, Json) ?? new PeriodFacts();
}

// The counter names facts use, one place for the calculator and the indicator catalogue.
public static class FactCodes
{
    public const string Patients = "patients";
    public const string NewInclusions = "inclusions.new";
    public const string AgeN = "age.n";
    public const string AgeSum = "age.sum";
    public const string AgeSumOfSquares = "age.sumsq";

    public static string Sex(string code) => "sex." + code;
    public static string AgeBand(string band) => "age.band." + band;
    public static string Experiment(string code) => "experiment." + code;
    public static string MainReason(string code) => "reason.main." + code;
    public static string AnyReason(string code) => "reason.any." + code;
    public static string MainSubstance(string code) => "substance.main." + code;
    public static string AnySubstance(string code) => "substance.any." + code;
    public static string PolyUse(string answer) => "polyuse." + answer;
    public static string Disorder(string code) => "disorder." + code;
    public const string AnyDisorder = "disorder.any";
    public static string Housing(string answer) => "housing." + answer;
    public static string Income(string code) => "income." + code;
    public static string HealthRights(string answer) => "healthrights." + answer;
    public static string Screened(string code) => "screened." + code;
    public static string HbvVaccinated(string answer) => "hbvvaccinated." + answer;
    public static string HcvTreatment(string code) => "hcvtreatment." + code;
    public static string SeenBy(string profession) => "seenby." + profession;

    // From the microstructures' activity rows.
    public static string Acts(string profession) => "acts." + profession;
    public const string CaseReviewMeetings = "meetings";
    public static string Screenings(string code) => "screenings." + code;
    public const string HbvVaccinations = "vaccinations.hbv";
    public const string HcvTreatmentsStarted = "hcvtreatments.started";
    public const string HcvTreatmentsContinued = "hcvtreatments.continued";
    public const string Fibroscan = "fibroscan";

    // "not reported" for an optional single answer; yes/no answers use "yes", "no" and this.
    public const string Unknown = "unknown";

    public static readonly IReadOnlyList<(string Code, string Label, int Min, int Max)> AgeBands =
    [
        ("le30", "30 ans ou moins", 0, 30),
        ("31-50", "31 à 50 ans", 31, 50),
        ("51-70", "51 à 70 ans", 51, 70),
        ("gt70", "Plus de 70 ans", 71, int.MaxValue),
    ];
}
