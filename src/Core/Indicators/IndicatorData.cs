using Microstructures.Core.ReferenceData;
using Microstructures.Core.Submissions;

namespace Microstructures.Core.Indicators;

// One node of the org tree as the indicators see it. Key is unique across levels ("network:rms-a").
internal sealed class OrgNode(IndicatorLevel level, string id, string name, string? networkId, Microstructure? microstructure = null)
{
    public IndicatorLevel Level { get; } = level;
    public string Id { get; } = id;
    public string Name { get; } = name;
    public string? NetworkId { get; } = networkId;
    public Microstructure? Microstructure { get; } = microstructure;
    public string Key => $"{Level}:{Id}";
    public List<OrgNode> Children { get; } = [];

    public IEnumerable<OrgNode> Microstructures => Level == IndicatorLevel.Microstructure ? [this] : Children.SelectMany(c => c.Microstructures);
}

internal sealed class OrgModel
{
    private readonly Dictionary<string, OrgNode> _byKey = new(StringComparer.Ordinal);

    public OrgModel(OrgTree tree, SubmissionPeriod period)
    {
        Period = period;
        Nation = Add(new OrgNode(IndicatorLevel.Nation, IndicatorService.NationId, "France", null));
        foreach (var region in tree.Regions)
        {
            var regionNode = Add(new OrgNode(IndicatorLevel.Region, region.Region.Id, region.Region.Name, null));
            Nation.Children.Add(regionNode);
            foreach (var network in region.Networks)
            {
                var networkNode = Add(new OrgNode(IndicatorLevel.Network, network.Network.Id, network.Network.Name, network.Network.Id));
                regionNode.Children.Add(networkNode);
                foreach (var microstructure in network.Microstructures)
                {
                    networkNode.Children.Add(Add(new OrgNode(IndicatorLevel.Microstructure, microstructure.Id, microstructure.Name, network.Network.Id, microstructure)));
                }
            }
        }
    }

    public SubmissionPeriod Period { get; }
    public OrgNode Nation { get; }

    // The nodes whose figures the public may read: the nation, the regions, the networks.
    public IReadOnlyList<OrgNode> PublicNodes => [.. _byKey.Values.Where(n => n.Level != IndicatorLevel.Microstructure)];

    public OrgNode? Find(IndicatorLevel level, string? id) => id is null ? null : _byKey.GetValueOrDefault($"{level}:{id}");

    public bool IsOpen(OrgNode microstructure)
    {
        var m = microstructure.Microstructure!;
        return OrgDates.Parse(m.OpenedOn) <= Period.End && (m.ClosedOn is null || OrgDates.Parse(m.ClosedOn) >= Period.Start);
    }

    private OrgNode Add(OrgNode node)
    {
        _byKey[node.Key] = node;
        return node;
    }
}

// The data of one read: each microstructure's facts for the period, the year's team compositions and the
// deadline; sums per node computed once.
internal sealed class IndicatorData(OrgModel model, IReadOnlyDictionary<string, PeriodFacts?> facts, IReadOnlyDictionary<string, TeamComposition> teams, DateOnly deadline)
{
    private readonly Dictionary<string, PeriodFacts> _sums = new(StringComparer.Ordinal);

    public PeriodFacts FactsOf(OrgNode node)
    {
        if (!_sums.TryGetValue(node.Key, out var sum))
        {
            sum = node.Level == IndicatorLevel.Microstructure
                ? facts.GetValueOrDefault(node.Id) ?? new PeriodFacts()
                : PeriodFacts.Sum(node.Children.Select(FactsOf));
            _sums[node.Key] = sum;
        }
        return sum;
    }

    // Team counts and report counts, by the catalogue's keys.
    private Dictionary<string, long> Extra(OrgNode node)
    {
        var open = node.Microstructures.Where(model.IsOpen).ToList();
        var team = open.Select(m => teams.GetValueOrDefault(m.Id)).Where(t => t is not null).ToList();
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        bool OnTime(DateTimeOffset? at) => at is { } t && DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, paris).DateTime) <= deadline;
        var own = open.Select(m => facts.GetValueOrDefault(m.Id)).ToList();
        return new(StringComparer.Ordinal)
        {
            ["teams.microstructures"] = open.Count,
            ["teams.gps"] = team.Sum(t => t!.Gps),
            ["teams.psychologists"] = team.Sum(t => t!.Psychologists),
            ["teams.social-workers"] = team.Sum(t => t!.SocialWorkers),
            ["teams.psychiatrists"] = team.Sum(t => t!.Psychiatrists),
            ["reports.expected"] = open.Count,
            ["reports.fiches.received"] = own.Count(f => f?.HasFiches == true),
            ["reports.fiches.on-time"] = own.Count(f => OnTime(f?.FichesReceivedAt)),
            ["reports.activity.received"] = own.Count(f => f?.HasActivity == true),
            ["reports.activity.on-time"] = own.Count(f => OnTime(f?.ActivityReceivedAt)),
        };
    }

    public IndicatorNode Render(OrgNode node, IReadOnlySet<(string NodeId, string Code)>? hidden)
    {
        var sums = FactsOf(node);
        var extra = Extra(node);
        var values = new List<IndicatorValue>();
        foreach (var formula in IndicatorCatalog.Formulas)
        {
            var code = formula.Definition.Code;
            if (hidden is not null && formula.Cells.Any(c => hidden.Contains((node.Key, c))))
            {
                values.Add(new IndicatorValue(code, null, null, null, true));
                continue;
            }
            values.Add(formula.Kind switch
            {
                FormulaKind.Count => Count(code, sums[formula.Cell!]),
                FormulaKind.Share => Ratio(code, formula.Numerator!.Evaluate(sums), formula.Denominator!.Evaluate(sums), 100),
                FormulaKind.MeanAge => new IndicatorValue(code, sums[FactCodes.AgeN] > 0 ? (double)sums[FactCodes.AgeSum] / sums[FactCodes.AgeN] : null, sums[FactCodes.AgeSum], sums[FactCodes.AgeN], false),
                FormulaKind.AgeStandardDeviation => new IndicatorValue(code, StandardDeviation(sums[FactCodes.AgeN], sums[FactCodes.AgeSum], sums[FactCodes.AgeSumOfSquares]), null, sums[FactCodes.AgeN], false),
                FormulaKind.PatientsPerGp => Ratio(code, sums[FactCodes.Patients], extra["teams.gps"], 1),
                FormulaKind.Team => Count(code, extra[formula.Key!]),
                _ => CompletenessValue(code, extra),
            });
        }
        return new IndicatorNode(node.Level, node.Id, node.Name, values);
    }

    private static IndicatorValue CompletenessValue(string code, Dictionary<string, long> extra) => code switch
    {
        "reports.fiches.completeness" => Ratio(code, extra["reports.fiches.received"], extra["reports.expected"], 100),
        "reports.fiches.timeliness" => Ratio(code, extra["reports.fiches.on-time"], extra["reports.expected"], 100),
        "reports.activity.completeness" => Ratio(code, extra["reports.activity.received"], extra["reports.expected"], 100),
        "reports.activity.timeliness" => Ratio(code, extra["reports.activity.on-time"], extra["reports.expected"], 100),
        _ => Count(code, extra[code]),
    };

    private static IndicatorValue Count(string code, long value) => new(code, value, value, null, false);

    private static IndicatorValue Ratio(string code, long numerator, long denominator, double scale) =>
        new(code, denominator > 0 ? scale * numerator / denominator : null, numerator, denominator, false);

    // Sample standard deviation from n, Σx, Σx² (null under two values).
    public static double? StandardDeviation(long n, long sum, long sumOfSquares)
    {
        if (n < 2)
        {
            return null;
        }
        var variance = (sumOfSquares - (double)sum * sum / n) / (n - 1);
        return Math.Sqrt(Math.Max(0, variance));
    }
}
