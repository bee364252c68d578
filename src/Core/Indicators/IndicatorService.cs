using Microsoft.Extensions.Options;
using Microstructures.Core.Common;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Submissions;

namespace Microstructures.Core.Indicators;

public enum AudienceKind
{
    Public,
    Network,
    Staff,
}

// Who reads: the public (suppressed figures, no microstructure level), a network with its key (its own
// network and microstructures unsuppressed, the rest as the public sees it), the staff (everything).
public sealed record IndicatorAudience(AudienceKind Kind, string? NetworkId)
{
    public static IndicatorAudience Public { get; } = new(AudienceKind.Public, null);
    public static IndicatorAudience Staff { get; } = new(AudienceKind.Staff, null);

    public static IndicatorAudience Network(string networkId) => new(AudienceKind.Network, networkId);
}

// A figure: Value (a count, a percentage 0–100, years, a ratio), with the numerator and denominator of
// shares and rates; null when there is nothing to divide by or when Suppressed.
public sealed record IndicatorValue(string Code, double? Value, long? Numerator, long? Denominator, bool Suppressed);

public sealed record IndicatorNode(IndicatorLevel Level, string Id, string Name, IReadOnlyList<IndicatorValue> Values)
{
    public IndicatorValue this[string code] => Values.First(v => v.Code == code);
}

// The answer of GET /api/indicators: the node asked for, its children one level down (regions of the
// nation, networks of a region, microstructures of a network except for the public), the definitions.
public sealed record IndicatorReport(
    IndicatorLevel Level, string Id, int Year, int? Month, AudienceKind Audience, bool Suppressed, string VocabularyVersion,
    IndicatorNode Node, IReadOnlyList<IndicatorNode> Children, IReadOnlyList<IndicatorDefinition> Definitions);

// The read side: figures of a microstructure, a network, a region or the nation for a year (or a month),
// summed from the stored facts at read time (never from incremented totals), with team counts from the
// org tree's compositions of the year and completeness against the microstructures open in the period.
public sealed class IndicatorService(FactsStore facts, OrgTreeService tree, OrgTreeStore orgStore, IOptions<IndicatorOptions> options)
{
    public const string NationId = "france";

    public async Task<Result<IndicatorReport>> GetAsync(IndicatorLevel level, string? id, int year, IndicatorAudience audience, int? month = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audience);
        if (year is < SubmissionPeriod.EarliestYear or > 2100 || month is < 1 or > 12)
        {
            return new ValidationErrors().Add(year is < SubmissionPeriod.EarliestYear or > 2100 ? "year" : "month", IndicatorMessages.BadPeriod);
        }
        var period = new SubmissionPeriod(year, month);
        var org = await tree.GetTreeAsync(cancellationToken);
        var model = new OrgModel(org, period);
        var target = model.Find(level, level == IndicatorLevel.Nation ? NationId : id);
        if (target is null)
        {
            return Result<IndicatorReport>.NotFound(IndicatorMessages.NotFound(level, id));
        }
        var ownNetwork = audience.Kind == AudienceKind.Network ? audience.NetworkId : null;
        bool Unsuppressed(OrgNode node) => audience.Kind == AudienceKind.Staff || (ownNetwork is not null && node.NetworkId == ownNetwork);
        if (level == IndicatorLevel.Microstructure && !Unsuppressed(target))
        {
            return Result<IndicatorReport>.NotFound(IndicatorMessages.MicrostructureNotPublished);
        }

        // Facts: only what the answer needs, unless a suppressed view is involved (its pattern is computed
        // over the whole nation, so that every reader and every node see the same pattern).
        var needsPublic = !Unsuppressed(target);
        var stored = needsPublic || level is IndicatorLevel.Nation or IndicatorLevel.Region
            ? await facts.ListYearAsync(year, cancellationToken)
            : await facts.ListNetworkAsync(year, target.NetworkId!, cancellationToken);
        var teams = (await orgStore.ListTeamsOfYearAsync(year, cancellationToken)).ToDictionary(t => t.MicrostructureId, StringComparer.Ordinal);
        var data = new IndicatorData(model, stored.ToDictionary(f => f.MicrostructureId, f => f.For(month), StringComparer.Ordinal), teams, options.Value.DeadlineFor(year, month));

        var children = target.Children.Where(c => c.Level != IndicatorLevel.Microstructure || Unsuppressed(c)).ToList();
        var hidden = needsPublic || children.Any(c => !Unsuppressed(c))
            ? PublicPattern(model, data, options.Value.SuppressionThreshold)
            : null;
        IndicatorNode Render(OrgNode node) => data.Render(node, Unsuppressed(node) ? null : hidden);
        return Result<IndicatorReport>.Success(new IndicatorReport(level, target.Id, year, month, audience.Kind, !Unsuppressed(target), Vocabularies.Version,
            Render(target), children.Select(Render).ToList(), IndicatorCatalog.Definitions));
    }

    // The CSV export of the same answer (French Excel: UTF-8 with BOM, ';', decimal comma).
    public async Task<Result<byte[]>> ExportCsvAsync(IndicatorLevel level, string? id, int year, IndicatorAudience audience, int? month = null, CancellationToken cancellationToken = default)
    {
        var report = await GetAsync(level, id, year, audience, month, cancellationToken);
        return report.Kind switch
        {
            ResultKind.Success => Result<byte[]>.Success(IndicatorCsv.Write(report.Value!)),
            ResultKind.NotFound => Result<byte[]>.NotFound(report.Detail!),
            _ => Result<byte[]>.Invalid(report.Errors),
        };
    }

    // Cells: every count of every region, network and the nation; equations: each node's tables and each
    // level's sum of its children; coalitions: each network knows its own cells.
    internal static IReadOnlySet<(string NodeId, string Code)> PublicPattern(OrgModel model, IndicatorData data, int threshold)
    {
        var nodes = model.PublicNodes;
        var codes = IndicatorCatalog.CountCells;
        var index = new Dictionary<(string, string), int>();
        var values = new List<long>();
        foreach (var node in nodes)
        {
            var nodeFacts = data.FactsOf(node);
            foreach (var code in codes)
            {
                index[(node.Key, code)] = values.Count;
                values.Add(nodeFacts[code]);
            }
        }
        var equations = new List<SuppressionEquation>();
        foreach (var node in nodes)
        {
            foreach (var (total, parts) in IndicatorCatalog.Partitions)
            {
                equations.Add(new(index[(node.Key, total)], parts.Select(p => index[(node.Key, p)]).ToList()));
            }
            var children = node.Children.Where(c => c.Level != IndicatorLevel.Microstructure).ToList();
            if (children.Count > 0)
            {
                foreach (var code in codes)
                {
                    equations.Add(new(index[(node.Key, code)], children.Select(c => index[(c.Key, code)]).ToList()));
                }
            }
        }
        var coalitions = nodes.Where(n => n.Level == IndicatorLevel.Network).Select(n => (IReadOnlyList<int>)codes.Select(c => index[(n.Key, c)]).ToList()).ToList();
        var hidden = Suppression.Apply(values, equations, threshold, coalitions);
        return index.Where(i => hidden[i.Value]).Select(i => i.Key).ToHashSet();
    }
}
