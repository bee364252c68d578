using System.Security.Cryptography;

namespace Microstructures.Core.Submissions;

public enum ReceiptStatus
{
    // Stored and queued: its valid rows are being written and its indicators computed.
    Queued,

    // Its valid rows are written (imported, updated or ignored) and its indicators computed or being computed.
    Accepted,

    // Every row was rejected: nothing to write (the raw file is kept, with the reasons).
    Rejected,
}

// The import summary a network gets back (DHIS2's import summary): counts and each rejected row's reason.
// Imported, Updated and Ignored are known once the rows are written (null while queued, and in a dry run
// they are what would happen now). AlreadyReceived: these exact bytes were sent before for the same
// kind and period; this is that first receipt, and nothing was counted again.
public sealed record SubmissionReceipt(
    string ReceiptId, string NetworkId, SubmissionKind Kind, SubmissionPeriod Period, ReceiptStatus Status,
    SubmissionFormat Format, string Encoding, string VocabularyVersion, string ContentSha256, DateTimeOffset ReceivedAt,
    DateTimeOffset? ProcessedAt, int Rows, int? Imported, int? Updated, int? Ignored, int Rejected, IReadOnlyList<RowError> Errors,
    bool DryRun = false, bool AlreadyReceived = false)
{
    // Deterministic: the same network sending the same bytes for the same kind and period gets the same
    // receipt, which is how an identical re-submission is recognised (and a retried request is harmless).
    public static string IdOf(string networkId, SubmissionKind kind, SubmissionPeriod period, string contentSha256) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{networkId}\n{kind.Slug()}\n{period}\n{contentSha256}")))[..32];

    public static bool IsReceiptId(string? id) => id is { Length: 32 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}

// The message on queue "compute-indicators" (Base64, like everything the host reads): ids only, the
// submission itself is in its blob.
public sealed record ComputeIndicatorsMessage(string NetworkId, string ReceiptId)
{
    public const string QueueName = "compute-indicators";

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    public string ToText() => System.Text.Json.JsonSerializer.Serialize(this, Json);

    public static ComputeIndicatorsMessage? Parse(string? text)
    {
        try
        {
            var message = System.Text.Json.JsonSerializer.Deserialize<ComputeIndicatorsMessage>(text ?? "", Json);
            return message is { NetworkId.Length: > 0 } && SubmissionReceipt.IsReceiptId(message.ReceiptId) ? message : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
