using System.Text.Json.Serialization;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

[JsonConverter(typeof(JsonStringEnumConverter<FigureLevel>))]
public enum FigureLevel
{
    Nation,
    Region,
    Network,
    Microstructure,
}

// Definitions, on the Paris date D of the request, Y its year (amounts are each period's own):
// - Active: not closed, current period not ended (end >= D).
// - DueWithin30Days: active, current period ending within 30 days (D <= end <= D+30).
// - Lapsed: not closed, current period ended (end < D) without a renewal.
// - RenewedThisYear / NotRenewedThisYear: periods that ended this year before today (01/01/Y <= end < D),
//   followed by a renewal or not; the periods of a closed forfait that were not renewed are left out
//   (the follow-up ended: no money lost). RenewalRate = renewed / (renewed + not renewed), null when
//   no period ended yet this year.
// - EurosAtStake: the amounts of the forfaits due within 30 days and of those lapsed less than a year
//   ago (a late renewal can still open their next period; older ones can only be closed).
// - EurosSecuredThisYear: the amounts of the periods opened by a renewal that start in year Y.
public sealed record FigureValues(
    int Active, int DueWithin30Days, int Lapsed, int RenewedThisYear, int NotRenewedThisYear,
    decimal EurosAtStake, decimal EurosSecuredThisYear)
{
    public static FigureValues Zero { get; } = new(0, 0, 0, 0, 0, 0m, 0m);

    public double? RenewalRate => RenewedThisYear + NotRenewedThisYear == 0 ? null : (double)RenewedThisYear / (RenewedThisYear + NotRenewedThisYear);

    public static FigureValues operator +(FigureValues a, FigureValues b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new(a.Active + b.Active, a.DueWithin30Days + b.DueWithin30Days, a.Lapsed + b.Lapsed,
            a.RenewedThisYear + b.RenewedThisYear, a.NotRenewedThisYear + b.NotRenewedThisYear,
            a.EurosAtStake + b.EurosAtStake, a.EurosSecuredThisYear + b.EurosSecuredThisYear);
    }

    public static FigureValues Add(FigureValues a, FigureValues b) => a + b;

    public static FigureValues Of(ForfaitEntity forfait, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(forfait);
        var periods = ForfaitStore.ReadPeriods(forfait);
        var current = periods[^1];
        var yearStart = new DateOnly(today.Year, 1, 1);
        var open = !forfait.Closed;
        var active = open && current.End >= today;
        var due = active && current.End <= today.AddDays(30);
        var lapsed = open && current.End < today;
        int renewed = 0, notRenewed = 0;
        foreach (var (period, i) in periods.Select((p, i) => (p, i)))
        {
            if (period.End >= yearStart && period.End < today)
            {
                if (i < periods.Count - 1)
                {
                    renewed++;
                }
                else if (open)
                {
                    notRenewed++;
                }
            }
        }
        var secured = periods.Where(p => p.Origin == PeriodOrigin.Renewal && p.Start.Year == today.Year).Sum(p => p.AmountEuros);
        var recoverable = lapsed && ForfaitPeriods.EndOf(current.End.AddDays(1)) >= today;
        return new(active ? 1 : 0, due ? 1 : 0, lapsed ? 1 : 0, renewed, notRenewed, due || recoverable ? current.AmountEuros : 0m, secured);
    }
}

public sealed record FigureNode(FigureLevel Level, string Id, string Name, FigureValues Values, IReadOnlyList<FigureNode> Children);

// The money the reminders protect, per microstructure, network, region and nation: one node for the
// asked scope with its children down to the microstructures. A network sees its own network and its
// microstructures only. Reads: a microstructure or a network, one partition per microstructure; a
// region or the nation, one range scan over every forfait (tens of seconds at 200,000: cache it or
// aggregate per microstructure before that scale).
public sealed class ForfaitFigures(ForfaitStore store, OrgTreeService tree, TimeProvider time)
{
    public async Task<Result<FigureNode>> GetAsync(FigureLevel level, string? id, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var today = OrgDates.Today(time);
        if (actor.NetworkId is { } own && !await IsOwnAsync(level, id, own, cancellationToken))
        {
            return Result<FigureNode>.NotFound("Ces chiffres ne sont pas dans le périmètre de votre réseau.");
        }
        var org = await tree.GetTreeAsync(cancellationToken);
        var regions = org.Regions.Where(r => level != FigureLevel.Region || r.Region.Id == id).ToList();
        var networks = regions.SelectMany(r => r.Networks).Where(n => level != FigureLevel.Network || n.Network.Id == id).ToList();
        var microstructures = networks.SelectMany(n => n.Microstructures).Where(m => level != FigureLevel.Microstructure || m.Id == id).ToList();
        var found = level switch
        {
            FigureLevel.Region => regions.Count > 0,
            FigureLevel.Network => networks.Count > 0,
            FigureLevel.Microstructure => microstructures.Count > 0,
            _ => true,
        };
        if (!found)
        {
            return Result<FigureNode>.NotFound($"« {id} » n'existe pas à ce niveau de l'organisation.");
        }
        var forfaits = level is FigureLevel.Nation or FigureLevel.Region
            ? (await store.ListAllAsync(cancellationToken)).ToLookup(f => f.MicrostructureId, StringComparer.Ordinal)
            : (await Task.WhenAll(microstructures.Select(m => store.ListAsync(m.Id, cancellationToken)))).SelectMany(l => l).ToLookup(f => f.MicrostructureId, StringComparer.Ordinal);

        FigureNode Microstructure(Microstructure m) =>
            new(FigureLevel.Microstructure, m.Id, m.Name, forfaits[m.Id].Select(f => FigureValues.Of(f, today)).Aggregate(FigureValues.Zero, FigureValues.Add), []);
        FigureNode Network(OrgTreeNetwork n) =>
            Sum(FigureLevel.Network, n.Network.Id, n.Network.Name, n.Microstructures.Where(microstructures.Contains).Select(Microstructure).ToList());
        FigureNode Region(OrgTreeRegion r) =>
            Sum(FigureLevel.Region, r.Region.Id, r.Region.Name, r.Networks.Where(networks.Contains).Select(Network).ToList());

        return Result<FigureNode>.Success(level switch
        {
            FigureLevel.Nation => Sum(FigureLevel.Nation, "nation", "France", regions.Select(Region).ToList()),
            FigureLevel.Region => Region(regions[0]),
            FigureLevel.Network => Network(networks[0]),
            _ => Microstructure(microstructures[0]),
        });
    }

    private async Task<bool> IsOwnAsync(FigureLevel level, string? id, string networkId, CancellationToken cancellationToken) => level switch
    {
        FigureLevel.Network => id == networkId,
        FigureLevel.Microstructure => id is not null && await tree.CheckAccessAsync(networkId, id, cancellationToken) == MicrostructureAccess.Allowed,
        _ => false,
    };

    private static FigureNode Sum(FigureLevel level, string id, string name, IReadOnlyList<FigureNode> children) =>
        new(level, id, name, children.Select(c => c.Values).Aggregate(FigureValues.Zero, FigureValues.Add), children);
}
