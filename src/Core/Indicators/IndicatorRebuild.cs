using Microsoft.Extensions.Logging;
using Microstructures.Core.Audit;
using Microstructures.Core.Submissions;

namespace Microstructures.Core.Indicators;

public sealed record RebuildReport(int Receipts, int Rows, int FactsRecomputed);

// The staff's "rebuild every indicator from the raw submissions": every stored row is deleted, every
// accepted or queued receipt is replayed from its raw blob in receipt order (ReceivedAt, then id) through
// the same reading, rules and row writing as the queue, then the facts of every microstructure and year
// are recomputed from the rows (and facts left without rows are deleted). Receipts keep their counts.
// The figures come out the same as the incremental ones because both are functions of the same rows,
// and a row's value depends only on which receipt is the latest for its key, not on processing order.
// Run it when no submission is being processed (a message handled during the deletion would have to
// be replayed by running it again); running it twice gives the same result.
public sealed partial class IndicatorRebuild(
    ReceiptStore receipts, SubmissionDataStore data, FactsStore facts, IndicatorComputation computation, AuditTrail audit, ILogger<IndicatorRebuild> logger)
{
    public async Task<RebuildReport> RebuildAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var replayed = (await receipts.ListAllAsync(cancellationToken))
            .Where(r => r.Status != nameof(ReceiptStatus.Rejected))
            .Order(Comparer<ReceiptEntity>.Create((a, b) => ReceiptStore.CompareOrder(a.ReceivedAt, a.RowKey, b.ReceivedAt, b.RowKey)))
            .ToList();
        var targets = (await facts.ListAllAsync(cancellationToken)).Select(f => (f.NetworkId, f.MicrostructureId, f.Year)).ToHashSet();
        var deleted = await data.DeleteAllAsync(cancellationToken);
        var rows = 0;
        foreach (var receipt in replayed)
        {
            var applied = await computation.ApplyRowsAsync(receipt, cancellationToken);
            rows += applied.Rows;
            var year = SubmissionPeriod.Parse(receipt.Period).Year;
            foreach (var microstructureId in applied.Receipt.Microstructures.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                targets.Add((receipt.PartitionKey, microstructureId, year));
            }
        }
        var recomputed = 0;
        foreach (var (networkId, microstructureId, year) in targets.OrderBy(t => t.Year).ThenBy(t => t.MicrostructureId, StringComparer.Ordinal))
        {
            if (await computation.RecomputeFactsAsync(networkId, microstructureId, year, cancellationToken))
            {
                recomputed++;
            }
        }
        var report = new RebuildReport(replayed.Count, rows, recomputed);
        await audit.RecordAsync(AuditEntityTypes.IndicatorRebuild, "all", actor, "rebuilt", null, new { report.Receipts, report.Rows, report.FactsRecomputed, DeletedRows = deleted }, cancellationToken);
        LogRebuilt(replayed.Count, rows, recomputed);
        return report;
    }

    [LoggerMessage(LogLevel.Information, "Indicators rebuilt from {Receipts} receipts: {Rows} rows, {Facts} facts rows rewritten")]
    private partial void LogRebuilt(int receipts, int rows, int facts);
}
