using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Submissions;

public sealed class ReceiptEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string Kind { get; set; } = "";
    public string Period { get; set; } = "";
    public string Status { get; set; } = "";
    public string Format { get; set; } = "";
    public string Encoding { get; set; } = "";
    public string VocabularyVersion { get; set; } = "";
    public string ContentSha256 { get; set; } = "";
    public string ContentType { get; set; } = "";
    public string BlobName { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public string ActorKind { get; set; } = "";
    public string ActorId { get; set; } = "";
    public int Rows { get; set; }
    public int? Imported { get; set; }
    public int? Updated { get; set; }
    public int? Ignored { get; set; }
    public int Rejected { get; set; }

    // JSON of the rejected rows' errors when short; else they are in blob ErrorsBlob.
    public string? Errors { get; set; }
    public string? ErrorsBlob { get; set; }

    // The microstructures whose rows this submission holds (comma-separated): what its computation touches.
    public string Microstructures { get; set; } = "";
}

// Key design, table "submissionreceipts": PK = networkId (a network's receipts are one partition, which
// is how a network and the staff list them), RK = receiptId (deterministic from network, kind, period and
// content hash: a re-submission is one point read). Replay order is (ReceivedAt, ReceiptId).
public sealed class ReceiptStore(StorageInitializer storage, RawSubmissionStore blobs)
{
    public const string TableName = "submissionreceipts";

    // A table property holds 64 KiB (32K UTF-16 characters); longer error lists go to a blob.
    private const int MaxInlineErrors = 30_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableName, cancellationToken);

    public async Task<ReceiptEntity?> GetAsync(string networkId, string receiptId, CancellationToken cancellationToken = default)
    {
        if (!SubmissionReceipt.IsReceiptId(receiptId) || !ReferenceData.OrgTreeStore.IsStorableKey(networkId))
        {
            return null;
        }
        var table = await TableAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<ReceiptEntity>(networkId, receiptId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    // False when the receipt exists already (the same submission sent twice at once).
    public async Task<bool> TryAddAsync(ReceiptEntity receipt, IReadOnlyList<RowError> errors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        await SetErrorsAsync(receipt, errors, cancellationToken);
        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.AddEntityAsync(receipt, cancellationToken);
            receipt.ETag = response.Headers.ETag ?? receipt.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    // Replaces the receipt if it is still at its ETag; false when someone changed it meanwhile.
    public async Task<bool> TryReplaceAsync(ReceiptEntity receipt, IReadOnlyList<RowError> errors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        await SetErrorsAsync(receipt, errors, cancellationToken);
        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.UpdateEntityAsync(receipt, receipt.ETag, TableUpdateMode.Replace, cancellationToken);
            receipt.ETag = response.Headers.ETag ?? receipt.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<ReceiptEntity>> ListAsync(string networkId, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var list = new List<ReceiptEntity>();
        await foreach (var e in table.QueryAsync<ReceiptEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {networkId}"), cancellationToken: cancellationToken))
        {
            list.Add(e);
        }
        return list;
    }

    public async Task<IReadOnlyList<ReceiptEntity>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var list = new List<ReceiptEntity>();
        await foreach (var e in table.QueryAsync<ReceiptEntity>(cancellationToken: cancellationToken))
        {
            list.Add(e);
        }
        return list;
    }

    public async Task<IReadOnlyList<RowError>> ReadErrorsAsync(ReceiptEntity receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var json = receipt.ErrorsBlob is { } blob
            ? Encoding.UTF8.GetString(await blobs.ReadAsync(blob, cancellationToken))
            : receipt.Errors;
        return string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<RowError>>(json, Json) ?? [];
    }

    private async Task SetErrorsAsync(ReceiptEntity receipt, IReadOnlyList<RowError> errors, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(errors, Json);
        if (json.Length <= MaxInlineErrors)
        {
            receipt.Errors = json;
            receipt.ErrorsBlob = null;
            return;
        }
        var name = RawSubmissionStore.ErrorsBlobName(receipt.PartitionKey, receipt.RowKey);
        await blobs.ReplaceAsync(name, Encoding.UTF8.GetBytes(json), cancellationToken);
        receipt.Errors = null;
        receipt.ErrorsBlob = name;
    }

    // Receipt order: the order in which a replay applies submissions, and which of two rows is the later.
    public static int CompareOrder(DateTimeOffset receivedA, string receiptA, DateTimeOffset receivedB, string receiptB)
    {
        var byTime = receivedA.UtcTicks.CompareTo(receivedB.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(receiptA, receiptB);
    }
}
