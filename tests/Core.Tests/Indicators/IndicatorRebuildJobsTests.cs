using System.Text;
using Microstructures.Core.Audit;
using Microstructures.Core.Indicators;
using Microstructures.Core.Submissions;
using Microstructures.Core.Tests.Submissions;
using Microstructures.TestSupport;
using static Microstructures.Core.Tests.Submissions.SubmissionHarness;

namespace Microstructures.Core.Tests.Indicators;

// The rebuild as a resumable job: a run cut short resumes from its saved progress to the same figures;
// a job with no sign of life for IndicatorRebuildJobs.StaleAfter makes way for a new one, and the old
// one's message then runs nothing.
public sealed class IndicatorRebuildJobsTests(Azurite azurite) : IClassFixture<Azurite>
{
    private const SubmissionKind Fiches = SubmissionKind.PatientFiches;

    private async Task<SubmissionHarness> StartWithDataAsync(IDictionary<string, string?>? settings = null)
    {
        var h = new SubmissionHarness(azurite.IsolatedConnectionString(), settings: settings);
        await h.SeedTreeAsync();
        await h.SubmitOkAsync(NetworkA, Fiches, "2025", new Sheet(Fiches).Add(Sheet.Fiche(A1, "A1-001")).Add(Sheet.Fiche(A2, "A2-001", 1960, "male")).CsvUtf8(), "text/csv");
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.SubmitOkAsync(NetworkA, Fiches, "2025", new Sheet(Fiches).Add(Sheet.Fiche(A1, "A1-001", 1950, "male")).Add(Sheet.Fiche(A1, "A1-002", 1999)).CsvUtf8(), "text/csv");
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.SubmitOkAsync(NetworkB, Fiches, "2025-03", new Sheet(Fiches).Add(Sheet.Fiche(B1, "B1-001")).CsvUtf8(), "text/csv");
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.SubmitOkAsync(NetworkC, Fiches, "2024", new Sheet(Fiches).Add(Sheet.Fiche(C1, "C1-001", 1970, "male")).CsvUtf8(), "text/csv");
        await h.ProcessQueueAsync();
        return h;
    }

    private static async Task<string> FactsAsync(SubmissionHarness h)
    {
        var text = new StringBuilder();
        foreach (var facts in (await h.Get<FactsStore>().ListAllAsync()).OrderBy(f => f.Year).ThenBy(f => f.MicrostructureId, StringComparer.Ordinal))
        {
            text.AppendLine(facts.MicrostructureId + " " + facts.YearFacts?.ToJson() + string.Concat(facts.Months.Select(m => m.Key + m.Value.ToJson())));
        }
        return text.ToString();
    }

    private sealed class Crash : Exception;

    [Fact]
    public async Task ARebuildCutShortResumesFromItsLastSavedProgressToTheSameFigures()
    {
        using var h = await StartWithDataAsync();
        var incremental = await FactsAsync(h);
        var rebuild = h.Get<IndicatorRebuild>();
        var saved = new List<RebuildProgress>();

        // Saved: the deletion, receipts 1 and 2; the run dies while saving receipt 3.
        await Assert.ThrowsAsync<Crash>(() => rebuild.RebuildAsync(Actor.Staff, RebuildProgress.Start, (p, _) =>
        {
            if (saved.Count == 3)
            {
                throw new Crash();
            }
            saved.Add(p);
            return Task.CompletedTask;
        }));
        var resumedFrom = saved[^1];
        var report = await rebuild.RebuildAsync(Actor.Staff, resumedFrom, (p, _) => { saved.Add(p); return Task.CompletedTask; });

        Assert.Equal(RebuildPhase.Replaying, resumedFrom.Phase);
        Assert.Equal(2, resumedFrom.Receipts);
        // Not deleted again (the rows of receipts 1 and 2 stay), receipts 3 and 4 replayed, 3 again.
        Assert.DoesNotContain(saved.Skip(3), p => p.Phase == RebuildPhase.Deleting);
        Assert.Equal(4, report.Receipts);
        Assert.Equal(RebuildPhase.Recomputing, saved[^1].Phase);
        Assert.Equal(incremental, await FactsAsync(h));
    }

    [Fact]
    public async Task AJobWithoutSignOfLifeMakesWayForANewOneAndItsOwnMessageThenRunsNothing()
    {
        using var h = await StartWithDataAsync();
        var incremental = await FactsAsync(h);
        var jobs = h.Get<IndicatorRebuildJobs>();

        var (first, created) = await jobs.RequestAsync(Actor.Staff);
        var (same, createdAgain) = await jobs.RequestAsync(Actor.Staff);
        h.Time.Advance(IndicatorRebuildJobs.StaleAfter + TimeSpan.FromSeconds(1));
        var interrupted = await jobs.GetAsync(first.JobId);
        var (second, createdSecond) = await jobs.RequestAsync(Actor.Staff);
        await jobs.RunAsync(new RebuildIndicatorsMessage(first.JobId).ToText());
        var firstAfter = await jobs.GetAsync(first.JobId);
        await jobs.RunAsync(new RebuildIndicatorsMessage(second.JobId).ToText());
        await jobs.RunAsync(new RebuildIndicatorsMessage(second.JobId).ToText());
        var done = await jobs.GetAsync(second.JobId);

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(first.JobId, same.JobId);
        Assert.Equal("queued", first.State);
        Assert.Equal("interrupted", interrupted!.State);
        Assert.True(createdSecond);
        Assert.NotEqual(first.JobId, second.JobId);
        Assert.Equal(0, firstAfter!.Attempts);
        Assert.Equal("succeeded", done!.State);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(4, done.Receipts);
        Assert.Equal(incremental, await FactsAsync(h));
        Assert.Equal([second.JobId, first.JobId], (await jobs.ListRecentAsync()).Select(j => j.JobId));
        var trail = await h.Get<AuditTrail>().ListAsync(AuditEntityTypes.IndicatorRebuild, "all");
        Assert.Equal(2, trail.Count(e => e.Action == "requested"));
        Assert.Equal(1, trail.Count(e => e.Action == "rebuilt"));
    }

    // A submission processed while the rebuild deletes the rows (received after the rebuild listed the
    // receipts) loses its rows with the others: the rebuild replays every receipt that exists once the
    // deletion is over, so its figures come back.
    [Fact]
    public async Task ASubmissionProcessedWhileTheRowsAreDeletedIsReplayedToo()
    {
        using var h = await StartWithDataAsync();
        var rebuild = h.Get<IndicatorRebuild>();
        var arrived = false;

        var report = await rebuild.RebuildAsync(Actor.Staff, RebuildProgress.Start, async (p, ct) =>
        {
            if (arrived || p.Phase != RebuildPhase.Replaying)
            {
                return;
            }
            arrived = true;
            h.Time.Advance(TimeSpan.FromMinutes(1));
            await h.SubmitOkAsync(NetworkB, Fiches, "2025-03", new Sheet(Fiches).Add(Sheet.Fiche(B1, "B1-002", 1980, "male")).CsvUtf8(), "text/csv");
            await h.ProcessQueueAsync();
            // Its rows were written just before the deletion reached them.
            await h.Get<SubmissionDataStore>().DeleteAllAsync(ct);
        });
        var rebuilt = await FactsAsync(h);
        await rebuild.RebuildAsync(Actor.Staff);

        Assert.Equal(await FactsAsync(h), rebuilt);
        Assert.Equal(5, report.Receipts);
    }

    // A rebuild longer than a run's budget goes on in successive runs, each stopping at a checkpoint and
    // queuing the next: with a budget of zero every run does one step (the deletion, one receipt, the
    // recomputing), leaves the job queued with its progress, and the last run ends it with the figures of
    // the incremental processing. Before, a rebuild longer than the function timeout was cancelled on
    // every retry, each retry found the job "running" and ran nothing, and it never ended.
    [Fact]
    public async Task ARebuildLongerThanARunsBudgetGoesOnInSuccessiveRunsToTheSameFigures()
    {
        using var h = await StartWithDataAsync(new Dictionary<string, string?> { ["Indicators:RebuildRunBudget"] = "00:00:00" });
        var incremental = await FactsAsync(h);
        var jobs = h.Get<IndicatorRebuildJobs>();
        var queue = await h.Get<Microstructures.Core.Storage.StorageInitializer>().QueueAsync(RebuildIndicatorsMessage.QueueName);
        await queue.ClearMessagesAsync();

        var (job, _) = await jobs.RequestAsync(Actor.Staff);
        var states = new List<string>();
        while ((await queue.ReceiveMessageAsync()).Value is { } message)
        {
            await jobs.RunAsync(message.Body.ToString());
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            var seen = (await jobs.GetAsync(job.JobId))!;
            states.Add($"{seen.State} {seen.Phase} {seen.Receipts}");
            Assert.True(states.Count < 50, "the runs never end");
        }

        // Deletion; receipts 1 to 4; the end of the replay; the recomputing.
        Assert.Equal(["queued replaying 0", "queued replaying 1", "queued replaying 2", "queued replaying 3", "queued replaying 4", "queued recomputing 4", "succeeded recomputing 4"], states);
        Assert.Equal(incremental, await FactsAsync(h));
        var trail = await h.Get<AuditTrail>().ListAsync(AuditEntityTypes.IndicatorRebuild, "all");
        Assert.Equal(1, trail.Count(e => e.Action == "rebuilt"));
    }

    // A run killed without a word (the worker gone) leaves its job "running" with a fresh heartbeat, and
    // the host retries its message seconds later: that message must not be spent finding the job busy.
    // It comes back once the job would be stale, and then resumes it. Before, it was completed at once,
    // and the job ended "interrupted" with nothing to resume it.
    [Fact]
    public async Task ARetryThatFindsTheJobHeldByADeadRunComesBackOnceItIsStaleAndResumesIt()
    {
        using var h = await StartWithDataAsync();
        var incremental = await FactsAsync(h);
        var jobs = h.Get<IndicatorRebuildJobs>();
        var store = h.Get<RebuildJobStore>();
        var queue = await h.Get<Microstructures.Core.Storage.StorageInitializer>().QueueAsync(RebuildIndicatorsMessage.QueueName);
        await queue.ClearMessagesAsync();
        var (job, _) = await jobs.RequestAsync(Actor.Staff);
        var message = (await queue.ReceiveMessageAsync()).Value;
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        // What a run killed right after its claim leaves.
        var held = (await store.GetAsync(job.JobId))!;
        held.Status = nameof(RebuildJobStatus.Running);
        held.HeartbeatAt = h.Time.GetUtcNow();
        Assert.True(await store.TryReplaceAsync(held));

        await jobs.RunAsync(message.Body.ToString());

        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Null((await queue.ReceiveMessageAsync()).Value); // not before the job is stale
        Assert.Equal("running", (await jobs.GetAsync(job.JobId))!.State);
        h.Time.Advance(IndicatorRebuildJobs.StaleAfter + TimeSpan.FromSeconds(6));
        await jobs.RunAsync(message.Body.ToString()); // the same message, come back
        Assert.Equal("succeeded", (await jobs.GetAsync(job.JobId))!.State);
        Assert.Equal(incremental, await FactsAsync(h));
    }
}
