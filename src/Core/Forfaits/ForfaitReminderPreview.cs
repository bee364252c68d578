using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

public sealed record PreviewDigest(DigestKind Kind, string ScopeId, string ScopeName, IReadOnlyList<string> Recipients, DigestSummary Summary, IReadOnlyList<DigestItem> Items);

// AssumesEarlierRuns: for a future date, what that day's run sends if every run before it happens
// (only the reminders due that very day); for today or a past date, what a run now would do
// (everything due and not yet handled, the catch-up included).
public sealed record ReminderPreview(DateOnly Date, bool AssumesEarlierRuns, IReadOnlyList<PreviewDigest> Digests, IReadOnlyDictionary<SkipReason, int> Skipped);

// GET /api/manage/forfaits/reminders/preview?date= (staff): what a run on a date would send and to
// whom, from the same reads and plan as the run, without writing or sending anything. Forfaits
// renewed or closed between now and that date are not foreseen.
public sealed class ForfaitReminderPreview(ReminderWork work, ForfaitEmails emails, TimeProvider time)
{
    public async Task<ReminderPreview> PreviewAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var future = date > OrgDates.Today(time);
        var due = await work.LoadAsync(date, future ? row => row.DueDate == date : null, cancellationToken);
        var plan = await work.PlanAsync(due, time.GetUtcNow(), cancellationToken);
        var digests = plan.Digests.Select(d =>
        {
            var items = d.Items.Select(ReminderPlanner.ToItem).ToList();
            return new PreviewDigest(d.Kind, d.ScopeId, d.ScopeName, d.Recipients, emails.Summarize(items, date), items);
        }).ToList();
        var skipped = plan.Reminders.Where(p => p.Action == PlanAction.Skip).GroupBy(p => p.Reason!.Value).ToDictionary(g => g.Key, g => g.Count());
        return new ReminderPreview(date, future, digests, skipped);
    }
}
