using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

// A due row as the run finds it: the forfait it belongs to (null when missing) and its ledger record
// (null while unhandled; only read for reminders of a forfait's current, open period).
public sealed record DueState(DueReminderEntity Row, ForfaitEntity? Forfait, ReminderRecordEntity? Record)
{
    public ReminderKey Key { get; } = Row?.Key ?? throw new ArgumentNullException(nameof(Row));

    public bool IsLive => Forfait is { Closed: false } f && f.Period == Row.Period;
}

public enum PlanAction
{
    Send,
    Skip,

    // Recorded already (a crash or another run got there before the row was deleted): just drop the row.
    AlreadyHandled,

    // The row's forfait or period does not exist: a creation or renewal that failed before writing it.
    // Dropped once older than OrphanGrace; until then it may be one being written right now.
    Orphan,
    Wait,
}

public sealed record PlannedReminder(DueState State, PlanAction Action, SkipReason? Reason = null);

// What a run does with the reminders due on or before its date, as a pure function of what it read:
// the run executes it, the preview shows it.
public static class ReminderPlanner
{
    public static readonly TimeSpan OrphanGrace = TimeSpan.FromDays(1);

    public static IReadOnlyList<PlannedReminder> Plan(IEnumerable<DueState> due, DateOnly startDate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(due);
        var plan = new List<PlannedReminder>();
        var live = new List<DueState>();
        foreach (var state in due)
        {
            var row = state.Row;
            var forfait = state.Forfait;
            if (state.Record is not null)
            {
                plan.Add(new(state, PlanAction.AlreadyHandled));
            }
            else if (forfait is null || row.Period > forfait.Period)
            {
                plan.Add(new(state, now - row.CreatedAt > OrphanGrace ? PlanAction.Orphan : PlanAction.Wait));
            }
            else if (row.Period < forfait.Period)
            {
                plan.Add(new(state, PlanAction.Skip, SkipReason.Renewed));
            }
            else if (forfait.Closed)
            {
                plan.Add(new(state, PlanAction.Skip, SkipReason.Closed));
            }
            else if (row.DueDate < startDate)
            {
                plan.Add(new(state, PlanAction.Skip, SkipReason.BeforeStart));
            }
            else if (state.Key.Kind == ReminderKind.Escalation)
            {
                plan.Add(new(state, PlanAction.Send));
            }
            else
            {
                live.Add(state);
            }
        }
        // Several lead times of one period due at once (a missed day, a late inclusion): only the
        // latest (fewest days before the end) may go; the earlier ones are superseded.
        foreach (var period in live.GroupBy(s => (s.Key.ForfaitId, s.Key.Period)))
        {
            var ordered = period.OrderBy(s => s.Key.Days).ToList();
            var latest = ordered[0];
            plan.AddRange(ordered.Skip(1).Select(s => new PlannedReminder(s, PlanAction.Skip, SkipReason.Superseded)));
            var forfait = latest.Forfait!;
            if (forfait.AcknowledgedPeriod == forfait.Period)
            {
                plan.Add(new(latest, PlanAction.Skip, SkipReason.Acknowledged));
            }
            else if (forfait.SnoozedPeriod == forfait.Period && forfait.SnoozedDays == latest.Key.Days)
            {
                plan.Add(new(latest, PlanAction.Skip, SkipReason.Snoozed));
            }
            else
            {
                plan.Add(new(latest, PlanAction.Send));
            }
        }
        return plan;
    }

    public static DigestItem ToItem(DueState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var forfait = state.Forfait ?? throw new InvalidOperationException("A reminder to send has its forfait.");
        return new DigestItem(forfait.ForfaitId, forfait.MicrostructureId, state.Key.Period, state.Key.Kind, state.Key.Days,
            OrgDates.Parse(state.Row.EndDate), (decimal)forfait.AmountEuros);
    }
}
