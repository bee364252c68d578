using Microstructures.Core.Indicators;

namespace Microstructures.Functions.Indicators;

public sealed record IndicatorValueJson(string Code, double? Value, long? Numerator, long? Denominator, bool Suppressed);

public sealed record IndicatorNodeJson(string Level, string Id, string Name, IReadOnlyList<IndicatorValueJson> Values);

public sealed record IndicatorDefinitionJson(
    string Code, string Label, string Group, string Unit, string UnitLabel, string Numerator, string? Denominator, string Counting, string Levels);

// GET /api/indicators as JSON: the node, its children one level down, and every figure's definition
// (explicit mapping: levels, audiences and units as strings).
public sealed record IndicatorReportJson(
    string Level, string Id, int Year, int? Month, string Audience, bool Suppressed, string VocabularyVersion,
    IndicatorNodeJson Node, IReadOnlyList<IndicatorNodeJson> Children, IReadOnlyList<IndicatorDefinitionJson> Definitions)
{
    public static IndicatorReportJson From(IndicatorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(IndicatorQuery.Slug(report.Level), report.Id, report.Year, report.Month, report.Audience.ToString().ToLowerInvariant(), report.Suppressed,
            report.VocabularyVersion, ToNode(report.Node), report.Children.Select(ToNode).ToList(),
            report.Definitions.Select(d => new IndicatorDefinitionJson(d.Code, d.Label, d.Group, d.Unit.ToString().ToLowerInvariant(), IndicatorMessages.UnitLabel(d.Unit),
                d.Numerator, d.Denominator, d.Counting, d.Levels)).ToList());
    }

    private static IndicatorNodeJson ToNode(IndicatorNode node) =>
        new(IndicatorQuery.Slug(node.Level), node.Id, node.Name,
            node.Values.Select(v => new IndicatorValueJson(v.Code, v.Value is { } x ? Math.Round(x, 4) : null, v.Numerator, v.Denominator, v.Suppressed)).ToList());
}
