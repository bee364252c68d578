using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;
using Microstructures.Core.Email;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

public sealed record ReminderRunReport(
    DateOnly RunDate, int Due, int Sent, IReadOnlyDictionary<SkipReason, int> Skipped,
    int MicrostructureDigests, int NetworkDigests, int EmailsQueued, int RowsCleared);

// The daily run (ForfaitRemindersTimer): handles every reminder due on or before today's Paris date —
// no hour gate, the schedule decides when it runs. One digest per microstructure to its contacts, one
// escalation digest per network to its coordinators; each (period, reminder) exactly once, whatever
// the retries, a second run the same day, a missed day (caught up: its rows are still due) or two runs
// at once. The writes, in order, and why a crash between any two is safe:
//  1. Skip records (conditional inserts, "h|" rows). A crash after some: the next run finds them
//     recorded (AlreadyHandled) and plans the rest the same way; a later lead never goes before an
//     earlier one is settled, since the earlier ones are only ever skipped.
//  2. Per digest: its lookup row (a dangling one is never linked to), then its e-mails recorded as
//     pending with the digest row as commit marker (EmailOutbox.PrepareAsync; not queued), then one
//     transaction adding the digest row and the Sent records of its reminders.
//     - crash before the transaction: nothing is handled; the sweeper abandons the e-mails once their
//       marker is still missing after 10 SweepGrace; the next run plans the same reminders again. Its
//       digest id is a hash of the scope, date and reminders, so a retry the same day records the same
//       e-mails (recorded once, EmailStore.RecordAsync); an id whose e-mail is settled or older than
//       5 SweepGrace (it may be about to be abandoned) is never reused: the digest takes the next
//       generation ("-2", ...).
//     - two runs at once plan the same digests with the same ids: one transaction wins, the other gets
//       a 409, re-reads the records and finds nothing left (a different view of the reminders gives a
//       different id: its e-mails never get their marker and are abandoned, never sent).
//     - crash after the transaction, before queuing: the marker exists, the sweeper queues the e-mails
//       after SweepGrace; the next run finds the reminders recorded.
//  3. Queue the e-mails (EmailOutbox.DispatchAsync; delivery claims each once).
//  4. Delete the handled due rows. A crash before: the next run finds them recorded and deletes them.
public sealed partial class ForfaitReminderRun(
    ReminderWork work, ReminderStore reminders, ForfaitEmails emails, EmailOutbox outbox, EmailStore emailStore,
    IOptions<ForfaitOptions> options, IOptions<EmailOptions> emailOptions, TimeProvider time, PlatformMetrics metrics, ILogger<ForfaitReminderRun> logger)
{
    private const int MaxCommitAttempts = 5;
    private const int MaxGenerations = 20;

    public async Task<ReminderRunReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var today = OrgDates.Today(time);
        var due = await work.LoadAsync(today, cancellationToken: cancellationToken);
        var plan = await work.PlanAsync(due, now, cancellationToken);
        var skipped = new ConcurrentDictionary<SkipReason, int>();
        var handledRows = new ConcurrentBag<DueReminderEntity>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.RunParallelism, CancellationToken = cancellationToken };

        foreach (var done in plan.Reminders.Where(p => p.Action is PlanAction.AlreadyHandled or PlanAction.Orphan))
        {
            handledRows.Add(done.State.Row);
        }
        // 1. Skips, before any digest.
        await Parallel.ForEachAsync(plan.Reminders.Where(p => p.Action == PlanAction.Skip), parallel, async (skip, ct) =>
        {
            if (await reminders.TryAddRecordAsync(Record(skip.State, ReminderOutcome.Skipped, skip.Reason, null, today, now), ct))
            {
                skipped.AddOrUpdate(skip.Reason!.Value, 1, (_, n) => n + 1);
            }
            handledRows.Add(skip.State.Row);
        });
        // 2-3. Digests.
        // A digest that fails does not stop the others (Parallel.ForEachAsync would cancel them at the
        // first exception): every digest is tried, then the run fails naming what failed, and the next
        // run takes up what is still due.
        int sent = 0, microstructureDigests = 0, networkDigests = 0, queued = 0;
        var failures = new ConcurrentBag<Exception>();
        await Parallel.ForEachAsync(plan.Digests, parallel, async (digest, ct) =>
        {
            (int Sent, int Emails) outcome;
            try
            {
                outcome = await SendAsync(digest, today, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add(ex);
                return;
            }
            Interlocked.Add(ref sent, outcome.Sent);
            metrics.RemindersSent(digest.Kind.ToString(), outcome.Sent);
            Interlocked.Add(ref queued, outcome.Emails);
            if (outcome.Sent > 0)
            {
                Interlocked.Increment(ref digest.Kind == DigestKind.Microstructure ? ref microstructureDigests : ref networkDigests);
            }
            foreach (var row in digest.Items.Select(i => i.Row))
            {
                handledRows.Add(row);
            }
        });
        // 4. The schedule keeps only what is still to do.
        await reminders.DeleteDueAsync(handledRows, cancellationToken);
        if (!failures.IsEmpty)
        {
            throw new AggregateException($"{failures.Count} of {plan.Digests.Count} reminder digests could not be sent; the next run takes them up.", failures);
        }

        var report = new ReminderRunReport(today, due.Count, sent, skipped.ToDictionary(), microstructureDigests, networkDigests, queued, handledRows.Count);
        if (report.Skipped.TryGetValue(SkipReason.NoRecipient, out var unreachable))
        {
            LogNoRecipient(unreachable, string.Join(", ", plan.Reminders.Where(p => p.Reason == SkipReason.NoRecipient)
                .Select(p => p.State.Key.Kind == ReminderKind.Microstructure ? p.State.Row.MicrostructureId : p.State.Row.NetworkId).Distinct()));
        }
        if (due.Count > 0)
        {
            LogRun(today, report.Due, report.Sent, report.Skipped.Values.Sum(), report.MicrostructureDigests, report.NetworkDigests, report.EmailsQueued);
        }
        return report;
    }

    private async Task<(int Sent, int Emails)> SendAsync(PlannedDigest digest, DateOnly today, CancellationToken cancellationToken)
    {
        var pending = digest.Items.ToList();
        for (var attempt = 1; attempt <= MaxCommitAttempts && pending.Count > 0; attempt++)
        {
            var now = time.GetUtcNow();
            var items = pending.Select(ReminderPlanner.ToItem).ToList();
            var digestId = await ChooseIdAsync(BaseId(digest, today, pending), now, cancellationToken);
            var expiresOn = new[] { today }.Concat(items.Select(i => i.EndDate)).Max().AddDays(options.Value.LinkDaysAfterEnd);
            await reminders.AddDigestLookupAsync(digestId, digest.LedgerPartition, cancellationToken);

            var summary = emails.Summarize(items, today);
            var marker = new EmailCommitMarker(ReminderStore.LedgerTableName, digest.LedgerPartition, ReminderStore.DigestRowKey(digestId));
            var emailIds = new List<string>();
            for (var i = 0; i < digest.Recipients.Count; i++)
            {
                var message = digest.Kind == DigestKind.Microstructure
                    ? emails.MicrostructureDigest(digest.Recipients[i], digest.ScopeName, summary, digestId, expiresOn)
                    : emails.NetworkDigest(digest.Recipients[i], digest.ScopeName, summary, ByMicrostructure(items, digest.MicrostructureNames), digestId, expiresOn);
                emailIds.Add(await outbox.PrepareAsync(message, marker, ForfaitEmails.EmailId(digestId, i), cancellationToken));
            }
            var entity = new DigestEntity
            {
                PartitionKey = digest.LedgerPartition,
                RowKey = ReminderStore.DigestRowKey(digestId),
                DigestId = digestId,
                Kind = digest.Kind.ToString(),
                ScopeId = digest.ScopeId,
                NetworkId = digest.NetworkId,
                RunDate = OrgDates.ToText(today),
                ExpiresOn = OrgDates.ToText(expiresOn),
                Items = ReminderStore.WriteItems(items),
                Recipients = digest.Recipients.Count,
                CreatedAt = now,
            };
            var records = pending.Select(s => Record(s, ReminderOutcome.Sent, null, digestId, today, now)).ToList();
            if (await reminders.TryCommitDigestAsync(entity, records, cancellationToken))
            {
                await outbox.DispatchAsync(emailIds, cancellationToken);
                return (records.Count, emailIds.Count);
            }
            // Another run handled some of these reminders (or committed this very digest): keep the rest.
            var still = new List<DueState>();
            foreach (var state in pending)
            {
                if (await reminders.GetRecordAsync(digest.LedgerPartition, state.Key, cancellationToken) is null)
                {
                    still.Add(state);
                }
            }
            pending = still;
        }
        return pending.Count == 0
            ? (0, 0)
            : throw new InvalidOperationException($"The digest of {digest.Kind} {digest.ScopeId} could not be committed after {MaxCommitAttempts} attempts.");
    }

    // A retry of the same digest on the same day records the same e-mails, unless they are from an
    // attempt old enough for the sweeper to be abandoning them (see the class comment).
    private async Task<string> ChooseIdAsync(string baseId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fresh = emailOptions.Value.SweepGrace * 5;
        for (var generation = 1; generation <= MaxGenerations; generation++)
        {
            var id = generation == 1 ? baseId : $"{baseId}-{generation}";
            var recorded = await emailStore.GetAsync(ForfaitEmails.EmailId(id, 0), cancellationToken);
            if (recorded is null || (!EmailStatus.IsSettled(recorded.Status) && now - recorded.CreatedAt < fresh))
            {
                return id;
            }
        }
        throw new InvalidOperationException($"No free digest id after {MaxGenerations} generations of {baseId}.");
    }

    private static string BaseId(PlannedDigest digest, DateOnly today, IEnumerable<DueState> items)
    {
        var text = $"{digest.Kind}\n{digest.ScopeId}\n{OrgDates.ToText(today)}\n" + string.Join("\n", items.Select(s => s.Key.Text).Order(StringComparer.Ordinal));
        return "d" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..24];
    }

    public static List<(string Microstructure, int Count, decimal AmountEuros)> ByMicrostructure(IEnumerable<DigestItem> items, IReadOnlyDictionary<string, string> names) =>
        items.GroupBy(i => names.GetValueOrDefault(i.MicrostructureId, i.MicrostructureId), StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(), g.Sum(i => i.AmountEuros)))
            .OrderBy(g => g.Key, StringComparer.Create(ForfaitValidation.French, ignoreCase: true))
            .ToList();

    private static ReminderRecordEntity Record(DueState state, ReminderOutcome outcome, SkipReason? reason, string? digestId, DateOnly today, DateTimeOffset now) => new()
    {
        PartitionKey = ReminderStore.LedgerPartition(state.Key.Kind, state.Row.MicrostructureId, state.Row.NetworkId),
        RowKey = ReminderStore.RecordRowKey(state.Key),
        ForfaitId = state.Key.ForfaitId,
        Period = state.Key.Period,
        Kind = state.Key.Kind.ToString(),
        Days = state.Key.Days,
        DueDate = state.Row.PartitionKey,
        Outcome = outcome.ToString(),
        Reason = reason?.ToString(),
        DigestId = digestId,
        RunDate = OrgDates.ToText(today),
        At = now,
    };

    [LoggerMessage(LogLevel.Warning, "{Count} forfait reminders skipped: nobody to send them to in {Scopes} (missing from the org tree or without addresses)")]
    private partial void LogNoRecipient(int count, string scopes);

    [LoggerMessage(LogLevel.Information, "Forfait reminders of {RunDate}: {Due} due, {Sent} sent, {Skipped} skipped, {MicrostructureDigests} microstructure digests, {NetworkDigests} network digests, {Emails} e-mails queued")]
    private partial void LogRun(DateOnly runDate, int due, int sent, int skipped, int microstructureDigests, int networkDigests, int emails);
}
