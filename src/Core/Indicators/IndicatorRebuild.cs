using Microsoft.Extensions.Logging;
using Microstructures.Core.Audit;
using Microstructures.Core.Submissions;

namespace Microstructures.Core.Indicators;

public sealed record RebuildReport(int Receipts, int Rows, int FactsRecomputed);

public enum RebuildPhase
{
    Deleting,
    Replaying,
    Recomputing,
}

// How far a rebuild got, saved after each step so that a run cut short (a function timeout, a crash, a
// retried queue message) resumes instead of starting over: once the rows are deleted they are not deleted
// again, and replay continues after the last receipt replayed (receipt order is a total order).
// AfterTarget: while recomputing, the key of the last facts recomputed (IndicatorRebuild.TargetKey);
// Recomputed: how many of them were rewritten so far.
public sealed record RebuildProgress(RebuildPhase Phase, DateTimeOffset? AfterReceivedAt, string? AfterReceiptId, int Receipts, int Rows, int DeletedRows, string? AfterTarget = null, int Recomputed = 0)
{
    public static RebuildProgress Start { get; } = new(RebuildPhase.Deleting, null, null, 0, 0, 0);
}

// The staff's "rebuild every indicator from the raw submissions": every stored row is deleted, every
// accepted or queued receipt is replayed from its raw blob in receipt order (ReceivedAt, then id) through
// the same reading, rules and row writing as the queue, then the facts of every microstructure and year
// are recomputed from the rows (and facts left without rows are deleted). Receipts keep their counts.
// The figures come out the same as the incremental ones because both are functions of the same rows,
// and a row's value depends only on which receipt is the latest for its key, not on processing order.
// Submissions processed meanwhile are safe: every receipt that exists once the deletion is over is
// replayed (below); running it twice gives the same result.
public sealed partial class IndicatorRebuild(
    ReceiptStore receipts, SubmissionDataStore data, FactsStore facts, IndicatorComputation computation, AuditTrail audit, ILogger<IndicatorRebuild> logger)
{
    public Task<RebuildReport> RebuildAsync(Actor actor, CancellationToken cancellationToken = default) =>
        RebuildAsync(actor, RebuildProgress.Start, (_, _) => Task.CompletedTask, cancellationToken);

    // Recomputed facts between two checkpoints.
    private const int RecomputeCheckpointEvery = 25;

    // checkpoint is called after the deletion, after each replayed receipt and every
    // RecomputeCheckpointEvery recomputed facts; a later call with the last progress it was given carries
    // on from there (IndicatorRebuildJobs, the queued staff action, which may stop a run at a checkpoint).
    public async Task<RebuildReport> RebuildAsync(
        Actor actor, RebuildProgress progress, Func<RebuildProgress, CancellationToken, Task> checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var all = (await receipts.ListAllAsync(cancellationToken))
            .Where(r => r.Status != nameof(ReceiptStatus.Rejected))
            .Order(Comparer<ReceiptEntity>.Create((a, b) => ReceiptStore.CompareOrder(a.ReceivedAt, a.RowKey, b.ReceivedAt, b.RowKey)))
            .ToList();
        // The facts to recompute: every one stored (some may have lost their rows) and every one a receipt touches.
        var targets = (await facts.ListAllAsync(cancellationToken)).Select(f => (f.NetworkId, f.MicrostructureId, f.Year)).ToHashSet();
        if (progress.Phase == RebuildPhase.Deleting)
        {
            var deleted = await data.DeleteAllAsync(cancellationToken);
            progress = progress with { Phase = RebuildPhase.Replaying, DeletedRows = deleted };
            await checkpoint(progress, cancellationToken);
        }
        foreach (var receipt in all)
        {
            var replayed = progress.AfterReceivedAt is { } after && ReceiptStore.CompareOrder(receipt.ReceivedAt, receipt.RowKey, after, progress.AfterReceiptId!) <= 0;
            var current = receipt;
            if (progress.Phase == RebuildPhase.Replaying && !replayed)
            {
                var applied = await computation.ApplyRowsAsync(receipt, cancellationToken);
                current = applied.Receipt;
                progress = progress with { AfterReceivedAt = receipt.ReceivedAt, AfterReceiptId = receipt.RowKey, Receipts = progress.Receipts + 1, Rows = progress.Rows + applied.Rows };
                await checkpoint(progress, cancellationToken);
            }
            var year = SubmissionPeriod.Parse(current.Period).Year;
            foreach (var microstructureId in current.Microstructures.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                targets.Add((current.PartitionKey, microstructureId, year));
            }
        }
        if (progress.Phase == RebuildPhase.Replaying)
        {
            // Receipts listed after the deletion is over: one received after the first listing may have
            // been processed while the rows were deleted, its rows deleted with the others. Replayed too
            // (writing rows is idempotent); a receipt received later writes its rows after the deletion.
            var listed = all.Select(r => (r.PartitionKey, r.RowKey)).ToHashSet();
            foreach (var receipt in (await receipts.ListAllAsync(cancellationToken))
                .Where(r => r.Status != nameof(ReceiptStatus.Rejected) && !listed.Contains((r.PartitionKey, r.RowKey)))
                .Order(Comparer<ReceiptEntity>.Create((a, b) => ReceiptStore.CompareOrder(a.ReceivedAt, a.RowKey, b.ReceivedAt, b.RowKey))))
            {
                var applied = await computation.ApplyRowsAsync(receipt, cancellationToken);
                progress = progress with { Receipts = progress.Receipts + 1, Rows = progress.Rows + applied.Rows };
                var year = SubmissionPeriod.Parse(applied.Receipt.Period).Year;
                foreach (var microstructureId in applied.Receipt.Microstructures.Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    targets.Add((applied.Receipt.PartitionKey, microstructureId, year));
                }
            }
            progress = progress with { Phase = RebuildPhase.Recomputing };
            await checkpoint(progress, cancellationToken);
        }
        // Recomputing is idempotent (unchanged facts are not written) and goes in key order: a resumed run
        // carries on after the last key checkpointed (what it redoes since then changes nothing).
        var sinceCheckpoint = 0;
        var ordered = targets.Select(t => (Key: TargetKey(t.NetworkId, t.MicrostructureId, t.Year), Target: t)).OrderBy(t => t.Key, StringComparer.Ordinal);
        foreach (var (key, target) in ordered)
        {
            if (progress.AfterTarget is { } done && string.CompareOrdinal(key, done) <= 0)
            {
                continue;
            }
            var rewritten = await computation.RecomputeFactsAsync(target.NetworkId, target.MicrostructureId, target.Year, cancellationToken);
            progress = progress with { AfterTarget = key, Recomputed = progress.Recomputed + (rewritten ? 1 : 0) };
            if (++sinceCheckpoint == RecomputeCheckpointEvery)
            {
                sinceCheckpoint = 0;
                await checkpoint(progress, cancellationToken);
            }
        }
        var recomputed = progress.Recomputed;
        var report = new RebuildReport(progress.Receipts, progress.Rows, recomputed);
        await audit.RecordAsync(AuditEntityTypes.IndicatorRebuild, "all", actor, "rebuilt", null, new { report.Receipts, report.Rows, report.FactsRecomputed, progress.DeletedRows }, cancellationToken);
        LogRebuilt(report.Receipts, report.Rows, recomputed);
        return report;
    }

    // The recomputing order: year, then microstructure, then network (ids hold no '|').
    public static string TargetKey(string networkId, string microstructureId, int year) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{year:D4}|{microstructureId}|{networkId}");

    [LoggerMessage(LogLevel.Information, "Indicators rebuilt from {Receipts} receipts: {Rows} rows, {Facts} facts rows rewritten")]
    private partial void LogRebuilt(int receipts, int rows, int facts);
}
