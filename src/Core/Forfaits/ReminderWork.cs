using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

// One digest to prepare: a microstructure's reminders to its contacts, or a network's escalations to
// its coordinators. At most ReminderStore.MaxRemindersPerDigest reminders (a larger batch is split).
public sealed record PlannedDigest(DigestKind Kind, string ScopeId, string ScopeName, string NetworkId, IReadOnlyList<string> Recipients, IReadOnlyList<DueState> Items)
{
    // The names of the microstructures of its items (an escalation lists them).
    public IReadOnlyDictionary<string, string> MicrostructureNames { get; init; } = new Dictionary<string, string>();

    public string LedgerPartition => Kind == DigestKind.Microstructure ? "ms|" + ScopeId : "net|" + ScopeId;
}

public sealed record ReminderPlan(IReadOnlyList<PlannedReminder> Reminders, IReadOnlyList<PlannedDigest> Digests);

// Reads what a run (or a preview) works on and plans it: the due rows, their forfaits and ledger
// records, the org tree's names and addresses. Shared so the preview shows exactly what the run does.
public sealed class ReminderWork(ReminderStore reminders, ForfaitStore forfaits, OrgTreeStore orgStore, IOptions<ForfaitOptions> options)
{
    public async Task<IReadOnlyList<DueState>> LoadAsync(DateOnly upTo, Func<DueReminderEntity, bool>? include = null, CancellationToken cancellationToken = default)
    {
        var rows = (await reminders.ListDueAsync(upTo, cancellationToken)).Where(r => include?.Invoke(r) ?? true).ToList();
        var loaded = new ConcurrentDictionary<string, ForfaitEntity?>(StringComparer.Ordinal);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.RunParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(rows.Select(r => (r.MicrostructureId, r.ForfaitId)).Distinct(), parallel, async (id, ct) =>
            loaded[id.ForfaitId] = await forfaits.GetAsync(id.MicrostructureId, id.ForfaitId, ct));
        var states = new ConcurrentBag<DueState>();
        await Parallel.ForEachAsync(rows, parallel, async (row, ct) =>
        {
            var forfait = loaded[row.ForfaitId];
            var state = new DueState(row, forfait, null);
            // Only a reminder of a current, open period needs its record to decide; the others are
            // recorded as skipped (or dropped) and a 409 tells if that was done already.
            states.Add(state.IsLive
                ? state with { Record = await reminders.GetRecordAsync(ReminderStore.LedgerPartition(state.Key.Kind, row.MicrostructureId, row.NetworkId), state.Key, ct) }
                : state);
        });
        return states.OrderBy(s => s.Row.PartitionKey, StringComparer.Ordinal).ThenBy(s => s.Row.RowKey, StringComparer.Ordinal).ToList();
    }

    public async Task<ReminderPlan> PlanAsync(IReadOnlyList<DueState> due, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var plan = ReminderPlanner.Plan(due, options.Value.RemindersStartDate!.Value, now).ToList();
        var sends = plan.Where(p => p.Action == PlanAction.Send).ToList();
        if (sends.Count == 0)
        {
            return new ReminderPlan(plan, []);
        }
        var microstructures = (await orgStore.ListAllMicrostructuresAsync(cancellationToken)).ToDictionary(m => m.RowKey, StringComparer.Ordinal);
        var networks = (await orgStore.ListNetworksAsync(cancellationToken)).ToDictionary(n => n.RowKey, StringComparer.Ordinal);
        var digests = new List<PlannedDigest>();
        foreach (var group in sends.GroupBy(p => (p.State.Key.Kind, Scope: p.State.Key.Kind == ReminderKind.Microstructure ? p.State.Row.MicrostructureId : p.State.Row.NetworkId)))
        {
            var (kind, name, networkId, recipients) = group.Key.Kind == ReminderKind.Microstructure
                ? microstructures.TryGetValue(group.Key.Scope, out var m)
                    ? (DigestKind.Microstructure, m.Name, m.NetworkId, OrgTreeService.ToModel(m).ContactEmails)
                    : (DigestKind.Microstructure, group.Key.Scope, "", [])
                : networks.TryGetValue(group.Key.Scope, out var n)
                    ? (DigestKind.Network, n.Name, n.RowKey, (IReadOnlyList<string>)Coordinators(n))
                    : (DigestKind.Network, group.Key.Scope, group.Key.Scope, (IReadOnlyList<string>)[]);
            if (recipients.Count == 0)
            {
                foreach (var send in group)
                {
                    plan[plan.IndexOf(send)] = send with { Action = PlanAction.Skip, Reason = SkipReason.NoRecipient };
                }
                continue;
            }
            var items = group.Select(p => p.State).OrderBy(s => s.Row.EndDate, StringComparer.Ordinal).ThenBy(s => s.Row.RowKey, StringComparer.Ordinal);
            var names = group.Select(p => p.State.Row.MicrostructureId).Distinct(StringComparer.Ordinal)
                .ToDictionary(id => id, id => microstructures.TryGetValue(id, out var ms) ? ms.Name : id, StringComparer.Ordinal);
            digests.AddRange(items.Chunk(ReminderStore.MaxRemindersPerDigest).Select(chunk => new PlannedDigest(kind, group.Key.Scope, name, networkId, recipients, chunk) { MicrostructureNames = names }));
        }
        return new ReminderPlan(plan, digests);
    }

    private static List<string> Coordinators(NetworkEntity network) =>
        new[] { network.AdministrativeCoordinatorEmail, network.MedicalCoordinatorEmail }
            .Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}
