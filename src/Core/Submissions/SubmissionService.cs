using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Submissions;

// What a network sends: kind and period as they come (query string), the body's bytes and content type.
public sealed record SubmissionRequest(string NetworkId, string? Kind, string? Period, byte[] Content, string? ContentType, bool DryRun = false);

// Receiving a submission (POST /api/network/submissions): everything that can be checked at once is
// checked before anything is written — the request, the file's shape and the privacy rules (a refused
// file is answered Invalid and nothing of it is stored: no blob, no receipt, no message), then each row's
// rules. An accepted file is stored as its raw blob (content-addressed), then its receipt (status Queued,
// or Rejected when no row is valid), then a message on "compute-indicators" carrying the ids; the queue
// function writes the rows and computes the indicators (IndicatorComputation). Write order: blob, receipt,
// message — a crash before the receipt leaves an orphan blob (harmless, content-addressed); a crash
// before the message leaves a queued receipt that sending the file again, or RequeueStaleAsync, queues.
public sealed partial class SubmissionService(
    SubmissionParser parser, RawSubmissionStore blobs, ReceiptStore receipts, SubmissionDataStore data, StorageInitializer storage,
    OrgTreeStore orgTree, AuditTrail audit, IOptions<SubmissionOptions> options, TimeProvider time, PlatformMetrics metrics, ILogger<SubmissionService> logger)
{
    public const int MaxReportedRefusals = 100;

    public async Task<Result<SubmissionReceipt>> AcceptAsync(SubmissionRequest request, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.NetworkId is { } own && own != request.NetworkId)
        {
            return Result<SubmissionReceipt>.NotFound(SubmissionMessages.NotYourNetwork);
        }
        if (!Slugs.IsValid(request.NetworkId) || await orgTree.GetNetworkAsync(request.NetworkId, cancellationToken) is null)
        {
            return Result<SubmissionReceipt>.NotFound($"Aucun réseau n'a l'identifiant « {request.NetworkId} ».");
        }
        var errors = new ValidationErrors();
        var kind = SubmissionKinds.Parse(request.Kind);
        if (kind is null)
        {
            errors.Add("kind", SubmissionMessages.KindRequired);
        }
        if (!SubmissionPeriod.TryParse(request.Period, out var period))
        {
            errors.Add("period", SubmissionMessages.PeriodRequired);
        }
        else if (period.Start > OrgDates.Today(time))
        {
            errors.Add("period", SubmissionMessages.PeriodNotStarted(period));
        }
        if (request.Content is null || request.Content.Length == 0)
        {
            errors.Add("content", SubmissionMessages.NoRows);
        }
        else if (request.Content.Length > options.Value.MaxBytes)
        {
            errors.Add("content", SubmissionMessages.TooLarge(options.Value.MaxBytes));
        }
        if (!errors.IsEmpty)
        {
            return errors;
        }

        var (parsed, refusals) = await parser.ParseAsync(request.NetworkId, kind!.Value, period, request.Content!, request.ContentType, options.Value.MaxRows, cancellationToken);
        if (parsed is null)
        {
            LogRefused(request.NetworkId, kind.Value.Slug(), period.ToString(), refusals.Count);
            return Refusal(refusals);
        }

        var sha = RawSubmissionStore.Sha256(request.Content!);
        var receiptId = SubmissionReceipt.IdOf(request.NetworkId, kind.Value, period, sha);
        if (await receipts.GetAsync(request.NetworkId, receiptId, cancellationToken) is { } existing)
        {
            if (!request.DryRun && existing.Status == nameof(ReceiptStatus.Queued))
            {
                await EnqueueAsync(request.NetworkId, receiptId, cancellationToken);
            }
            return Result<SubmissionReceipt>.Success(await ToModelAsync(existing, cancellationToken) with { AlreadyReceived = true, DryRun = request.DryRun });
        }

        var now = time.GetUtcNow();
        var validated = parsed.Validated;
        var status = validated.Rows.Count == 0 ? ReceiptStatus.Rejected : ReceiptStatus.Queued;
        var entity = new ReceiptEntity
        {
            PartitionKey = request.NetworkId,
            RowKey = receiptId,
            Kind = kind.Value.Slug(),
            Period = period.ToString(),
            Status = status.ToString(),
            Format = parsed.File.Format.ToString(),
            Encoding = parsed.File.Encoding,
            VocabularyVersion = parsed.VocabularyVersion,
            ContentSha256 = sha,
            ContentType = request.ContentType ?? "",
            BlobName = RawSubmissionStore.RawBlobName(request.NetworkId, sha),
            ReceivedAt = now,
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            Rows = parsed.File.Rows.Count,
            Rejected = validated.RejectedRows,
            Microstructures = string.Join(',', validated.Rows.Select(r => r.MicrostructureId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
        };
        if (request.DryRun)
        {
            var plan = await data.PlanAsync(kind.Value, period, validated.Rows, receiptId, now, cancellationToken);
            return Result<SubmissionReceipt>.Success(ToModel(entity, validated.Errors) with
            {
                DryRun = true, Imported = plan.Imported, Updated = plan.Updated, Ignored = plan.Ignored,
            });
        }

        await blobs.SaveAsync(entity.BlobName, request.Content!, parsed.File.Format == SubmissionFormat.Json ? "application/json" : "text/csv", cancellationToken);
        if (!await receipts.TryAddAsync(entity, validated.Errors, cancellationToken))
        {
            // The same file sent twice at the same moment: the other request's receipt is the receipt.
            var raced = await receipts.GetAsync(request.NetworkId, receiptId, cancellationToken)
                ?? throw new InvalidOperationException($"Receipt {receiptId} exists and cannot be read.");
            return Result<SubmissionReceipt>.Success(await ToModelAsync(raced, cancellationToken) with { AlreadyReceived = true });
        }
        await audit.RecordAsync(AuditEntityTypes.Submission, receiptId, actor, "received", null,
            new { entity.PartitionKey, entity.Kind, entity.Period, entity.Status, entity.Rows, entity.Rejected, entity.Format }, cancellationToken);
        if (status == ReceiptStatus.Queued)
        {
            await EnqueueAsync(request.NetworkId, receiptId, cancellationToken);
        }
        else
        {
            // Nothing to compute: processed here (accepted ones are counted by IndicatorComputation).
            metrics.SubmissionProcessed(entity.Kind, nameof(ReceiptStatus.Rejected));
        }
        LogReceived(receiptId, request.NetworkId, entity.Kind, entity.Period, entity.Rows, entity.Rejected);
        return Result<SubmissionReceipt>.Success(ToModel(entity, validated.Errors));
    }

    public async Task<Result<SubmissionReceipt>> GetReceiptAsync(string networkId, string receiptId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if ((actor.NetworkId is { } own && own != networkId) || await receipts.GetAsync(networkId, receiptId, cancellationToken) is not { } entity)
        {
            return Result<SubmissionReceipt>.NotFound(SubmissionMessages.NotYourReceipt);
        }
        return Result<SubmissionReceipt>.Success(await ToModelAsync(entity, cancellationToken));
    }

    // A network's receipts, newest first, optionally for one period (errors left out: read one receipt for them).
    public async Task<Result<IReadOnlyList<SubmissionReceipt>>> ListReceiptsAsync(string networkId, string? period, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.NetworkId is { } own && own != networkId)
        {
            return Result<IReadOnlyList<SubmissionReceipt>>.NotFound(SubmissionMessages.NotYourNetwork);
        }
        SubmissionPeriod? wanted = null;
        if (period is { Length: > 0 })
        {
            if (!SubmissionPeriod.TryParse(period, out var p))
            {
                return new ValidationErrors().Add("period", SubmissionMessages.PeriodRequired);
            }
            wanted = p;
        }
        var list = (await receipts.ListAsync(networkId, cancellationToken))
            .Where(r => wanted is null || r.Period == wanted.Value.ToString())
            .OrderByDescending(r => r.ReceivedAt).ThenByDescending(r => r.RowKey, StringComparer.Ordinal)
            .Select(r => ToModel(r, []))
            .ToList();
        return Result<IReadOnlyList<SubmissionReceipt>>.Success(list);
    }

    // Receipts left queued longer than RequeueAfter get their message again (processing is idempotent).
    public async Task<int> RequeueStaleAsync(CancellationToken cancellationToken = default)
    {
        var before = time.GetUtcNow() - options.Value.RequeueAfter;
        var stale = (await receipts.ListAllAsync(cancellationToken)).Where(r => r.Status == nameof(ReceiptStatus.Queued) && r.ReceivedAt < before).ToList();
        foreach (var receipt in stale)
        {
            await EnqueueAsync(receipt.PartitionKey, receipt.RowKey, cancellationToken);
        }
        return stale.Count;
    }

    private async Task EnqueueAsync(string networkId, string receiptId, CancellationToken cancellationToken)
    {
        var queue = await storage.QueueAsync(ComputeIndicatorsMessage.QueueName, cancellationToken);
        await queue.SendMessageAsync(new ComputeIndicatorsMessage(networkId, receiptId).ToText(), cancellationToken);
    }

    private static Result<SubmissionReceipt> Refusal(IReadOnlyList<string> refusals)
    {
        var errors = new ValidationErrors();
        foreach (var refusal in refusals.Take(MaxReportedRefusals))
        {
            errors.Add("content", refusal);
        }
        if (refusals.Count > MaxReportedRefusals)
        {
            errors.Add("content", SubmissionMessages.MoreRefusals(refusals.Count - MaxReportedRefusals));
        }
        errors.Add("content", SubmissionMessages.Refused);
        return errors;
    }

    public async Task<SubmissionReceipt> ToModelAsync(ReceiptEntity entity, CancellationToken cancellationToken = default) =>
        ToModel(entity, await receipts.ReadErrorsAsync(entity, cancellationToken));

    public static SubmissionReceipt ToModel(ReceiptEntity e, IReadOnlyList<RowError> errors)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.RowKey, e.PartitionKey, SubmissionKinds.Parse(e.Kind)!.Value, SubmissionPeriod.Parse(e.Period), Enum.Parse<ReceiptStatus>(e.Status),
            Enum.Parse<SubmissionFormat>(e.Format), e.Encoding, e.VocabularyVersion, e.ContentSha256, e.ReceivedAt, e.ProcessedAt,
            e.Rows, e.Imported, e.Updated, e.Ignored, e.Rejected, errors);
    }

    [LoggerMessage(LogLevel.Information, "Submission {ReceiptId} from {NetworkId}: {Kind} {Period}, {Rows} rows, {Rejected} rejected")]
    private partial void LogReceived(string receiptId, string networkId, string kind, string period, int rows, int rejected);

    [LoggerMessage(LogLevel.Warning, "Submission from {NetworkId} refused whole: {Kind} {Period}, {Refusals} reasons")]
    private partial void LogRefused(string networkId, string kind, string period, int refusals);
}
