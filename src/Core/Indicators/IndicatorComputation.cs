using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;
using Microstructures.Core.Submissions;

namespace Microstructures.Core.Indicators;

// What the ComputeIndicators queue function calls with the message text. Safe to run twice and at the
// same time as other messages:
// 1. A queued receipt's rows are written (SubmissionDataStore.ApplyAsync: conditional, idempotent, a
//    later receipt's row never replaced by an earlier one) and the receipt becomes Accepted with its
//    counts (If-Match: a second run finds it accepted and leaves its counts alone).
// 2. The facts of each microstructure of the receipt, for the period's year, are recomputed from all the
//    rows stored for that microstructure and year — never incremented — and written If-Match (below).
// Failures propagate: the host retries the message, then moves it to compute-indicators-poison.
public sealed partial class IndicatorComputation(
    ReceiptStore receipts, RawSubmissionStore blobs, SubmissionParser parser, SubmissionDataStore data, FactsStore facts,
    TimeProvider time, PlatformMetrics metrics, ILogger<IndicatorComputation> logger)
{
    private const int MaxFactAttempts = 50;

    public async Task ProcessAsync(string messageText, CancellationToken cancellationToken = default)
    {
        var message = ComputeIndicatorsMessage.Parse(messageText)
            ?? throw new InvalidDataException("Not a compute-indicators message: expected {\"networkId\":…,\"receiptId\":…}.");
        var receipt = await receipts.GetAsync(message.NetworkId, message.ReceiptId, cancellationToken)
            ?? throw new InvalidOperationException($"Receipt {message.ReceiptId} of network {message.NetworkId} does not exist.");
        if (receipt.Status == nameof(ReceiptStatus.Queued))
        {
            receipt = (await ApplyRowsAsync(receipt, cancellationToken)).Receipt;
        }
        var period = SubmissionPeriod.Parse(receipt.Period);
        foreach (var microstructureId in receipt.Microstructures.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            await RecomputeFactsAsync(receipt.PartitionKey, microstructureId, period.Year, cancellationToken);
        }
    }

    // Writes the receipt's rows (again, harmlessly, when a previous run crashed before marking it) and
    // marks it accepted. Also what a rebuild replays, receipt by receipt.
    public async Task<ReceiptEntity> ApplyAsync(ReceiptEntity receipt, CancellationToken cancellationToken = default) =>
        (await ApplyRowsAsync(receipt, cancellationToken)).Receipt;

    internal async Task<(ReceiptEntity Receipt, int Rows)> ApplyRowsAsync(ReceiptEntity receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var kind = SubmissionKinds.Parse(receipt.Kind)!.Value;
        var period = SubmissionPeriod.Parse(receipt.Period);
        var content = await blobs.ReadAsync(receipt.BlobName, cancellationToken);
        // The file was accepted once: read it again without the size limits of the day it came.
        var (parsed, refusals) = await parser.ParseAsync(receipt.PartitionKey, kind, period, content, receipt.ContentType, int.MaxValue, cancellationToken);
        if (parsed is null)
        {
            throw new InvalidDataException($"Stored submission {receipt.RowKey} no longer reads: {string.Join(" ", refusals)}");
        }
        var counts = await data.ApplyAsync(receipt.PartitionKey, kind, period, parsed.VocabularyVersion, parsed.Validated.Rows, receipt.RowKey, receipt.ReceivedAt, cancellationToken);
        while (true)
        {
            if (receipt.Status != nameof(ReceiptStatus.Queued))
            {
                return (receipt, parsed.Validated.Rows.Count);
            }
            receipt.Status = nameof(ReceiptStatus.Accepted);
            receipt.ProcessedAt = time.GetUtcNow();
            receipt.Imported = counts.Imported;
            receipt.Updated = counts.Updated;
            receipt.Ignored = counts.Ignored;
            receipt.Rejected = parsed.Validated.RejectedRows;
            receipt.Microstructures = string.Join(',', parsed.Validated.Rows.Select(r => r.MicrostructureId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            if (await receipts.TryReplaceAsync(receipt, parsed.Validated.Errors, cancellationToken))
            {
                metrics.SubmissionProcessed(receipt.Kind, nameof(ReceiptStatus.Accepted));
                LogAccepted(receipt.RowKey, receipt.PartitionKey, counts.Imported, counts.Updated, counts.Ignored, receipt.Rejected);
                return (receipt, parsed.Validated.Rows.Count);
            }
            receipt = await receipts.GetAsync(receipt.PartitionKey, receipt.RowKey, cancellationToken)
                ?? throw new InvalidOperationException($"Receipt {receipt.RowKey} disappeared.");
        }
    }

    // Why this converges when several computations for one microstructure run at once: each reads the
    // facts row's ETag BEFORE reading the rows, and writes If-Match that ETag. A write succeeds only if no
    // other computation wrote in between, so the last successful write was computed from rows read after
    // every earlier successful write. Every row write is followed by a computation that starts after it;
    // that computation (retried on 412 until it succeeds) reads the row, and any write that succeeds after
    // it must have read the ETag after it, hence rows read after it too: no row write is ever lost from
    // the final facts. Unchanged facts are not written (a message processed twice changes nothing).
    public async Task<bool> RecomputeFactsAsync(string networkId, string microstructureId, int year, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; attempt <= MaxFactAttempts; attempt++)
        {
            var stored = await facts.GetAsync(year, networkId, microstructureId, cancellationToken);
            var rows = await data.ListAsync(microstructureId, year, cancellationToken);
            var computed = FactsCalculator.Compute(year, rows);
            if (Same(stored, computed))
            {
                return false;
            }
            if (await facts.TryWriteAsync(year, networkId, microstructureId, computed.Year, computed.Months, stored?.ETag, cancellationToken))
            {
                return true;
            }
        }
        throw new InvalidOperationException($"Facts of {microstructureId} for {year} kept changing during {MaxFactAttempts} attempts.");
    }

    private static bool Same(StoredFacts? stored, FactsCalculator.MicrostructureYear computed)
    {
        if (stored is null)
        {
            return computed.Year is null && computed.Months.Count == 0;
        }
        return stored.YearFacts?.ToJson() == computed.Year?.ToJson()
            && stored.Months.Count == computed.Months.Count
            && computed.Months.All(m => stored.Months.TryGetValue(m.Key, out var s) && s.ToJson() == m.Value.ToJson());
    }

    [LoggerMessage(LogLevel.Information, "Submission {ReceiptId} of {NetworkId} accepted: {Imported} imported, {Updated} updated, {Ignored} ignored, {Rejected} rejected")]
    private partial void LogAccepted(string receiptId, string networkId, int imported, int updated, int ignored, int rejected);
}
