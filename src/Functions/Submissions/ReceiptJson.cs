using Microstructures.Core.Submissions;

namespace Microstructures.Functions.Submissions;

public sealed record RowErrorJson(int Line, string Field, string Reason);

// A receipt as the API answers it (explicit mapping: kinds, periods and statuses as the strings a
// network sends and reads). StatusUrl: where the network reads it again, under its own key.
public sealed record ReceiptJson(
    string ReceiptId, string NetworkId, string Kind, string Period, string Status, string Format, string Encoding, string VocabularyVersion,
    string ContentSha256, DateTimeOffset ReceivedAt, DateTimeOffset? ProcessedAt, int Rows, int? Imported, int? Updated, int? Ignored, int Rejected,
    IReadOnlyList<RowErrorJson> Errors, bool DryRun, bool AlreadyReceived, string StatusUrl)
{
    public static string StatusPath(string receiptId) => "/api/network/submissions/" + receiptId;

    public static ReceiptJson From(SubmissionReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return new(receipt.ReceiptId, receipt.NetworkId, receipt.Kind.Slug(), receipt.Period.ToString(), receipt.Status.ToString().ToLowerInvariant(),
            receipt.Format.ToString().ToLowerInvariant(), receipt.Encoding, receipt.VocabularyVersion, receipt.ContentSha256, receipt.ReceivedAt, receipt.ProcessedAt,
            receipt.Rows, receipt.Imported, receipt.Updated, receipt.Ignored, receipt.Rejected,
            receipt.Errors.Select(e => new RowErrorJson(e.Line, e.Field, e.Reason)).ToList(), receipt.DryRun, receipt.AlreadyReceived, StatusPath(receipt.ReceiptId));
    }
}
