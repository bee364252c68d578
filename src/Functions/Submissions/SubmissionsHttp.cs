using Microsoft.Extensions.Options;
using Microstructures.Core.Submissions;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Submissions;

// The network API for activity data (network key): a file of patient fiches or of microstructure
// activity for a period, as JSON or CSV (the raw body, its bytes as sent: Core detects UTF-8 ± BOM and
// Windows-1252), and its receipts. POST ?kind=patient-fiches|microstructure-activity&period=2025[-03][&dryRun=true].
public sealed class SubmissionsHttp(SubmissionService submissions, IOptions<SubmissionOptions> options)
{
    [Function("Submit")]
    [NetworkAccess]
    public async Task<IResult> SubmitAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/network/submissions")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.HttpContext.GetNetworkCaller();
        // One byte past the limit is enough for Core to refuse the size, naming it.
        var content = await ReadAtMostAsync(request.Body, options.Value.MaxBytes + 1, cancellationToken);
        var dryRun = request.QueryValue("dryRun") is { } flag && (flag.Equals("true", StringComparison.OrdinalIgnoreCase) || flag == "1");
        var submission = new SubmissionRequest(caller.NetworkId, request.QueryValue("kind"), request.QueryValue("period"), content, request.ContentType, dryRun);
        return (await submissions.AcceptAsync(submission, caller.Actor, cancellationToken)).ToHttp(Answer);
    }

    [Function("NetworkListSubmissions")]
    [NetworkAccess]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/network/submissions")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.HttpContext.GetNetworkCaller();
        return (await submissions.ListReceiptsAsync(caller.NetworkId, request.QueryValue("period"), caller.Actor, cancellationToken))
            .ToHttp(list => TypedResults.Ok(list.Select(ReceiptJson.From).ToList()));
    }

    [Function("NetworkGetSubmission")]
    [NetworkAccess]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/network/submissions/{receiptId}")] HttpRequest request,
        string receiptId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.HttpContext.GetNetworkCaller();
        return (await submissions.GetReceiptAsync(caller.NetworkId, receiptId, caller.Actor, cancellationToken)).ToHttp(r => TypedResults.Ok(ReceiptJson.From(r)));
    }

    // 202 with the status URL while the rows are being written; 200 for a dry run, and for a file already
    // received and processed (nothing new was queued).
    private static IResult Answer(SubmissionReceipt receipt)
    {
        var json = ReceiptJson.From(receipt);
        return receipt.DryRun || (receipt.AlreadyReceived && receipt.Status != ReceiptStatus.Queued)
            ? TypedResults.Ok(json)
            : TypedResults.Accepted(json.StatusUrl, json);
    }

    // The body, cut at max bytes (a chunked upload has no Content-Length to check first).
    internal static async Task<byte[]> ReadAtMostAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length < max && (read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, max - buffer.Length)), cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
