using Microstructures.Core.Audit;
using Microstructures.Core.Indicators;
using Microstructures.Core.Submissions;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Submissions;

// The staff's side of activity data: each network's receipts (per period), one receipt with its
// rejected rows, the pseudonymous dataset for the evaluators (CSV, audited) and the rebuild of every
// fact and indicator from the stored raw submissions (audited), queued as a job whose status the page polls. The page is a shell; its script reads these.
public sealed class StaffSubmissionsHttp(SubmissionService submissions, EvaluatorExport export, IndicatorRebuildJobs rebuilds)
{
    public const string PageHref = "/api/manage/submissions";

    [Function("ManageSubmissionsPage")]
    [StaffPage]
    public static IResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/submissions")] HttpRequest request) =>
        PageResults.Page(StaffSubmissionsPage.Create());

    [Function("ManageNetworkSubmissions")]
    [StaffAccess]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/networks/{networkId}/submissions")] HttpRequest request,
        string networkId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await submissions.ListReceiptsAsync(networkId, request.QueryValue("period"), Actor.Staff, cancellationToken))
            .ToHttp(list => TypedResults.Ok(list.Select(ReceiptJson.From).ToList()));
    }

    [Function("ManageNetworkSubmission")]
    [StaffAccess]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/networks/{networkId}/submissions/{receiptId}")] HttpRequest request,
        string networkId, string receiptId, CancellationToken cancellationToken) =>
        (await submissions.GetReceiptAsync(networkId, receiptId, Actor.Staff, cancellationToken)).ToHttp(r => TypedResults.Ok(ReceiptJson.From(r)));

    // ?kind=patient-fiches|microstructure-activity&period=2025[-MM]
    [Function("EvaluatorExport")]
    [StaffAccess]
    public async Task<IResult> ExportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/submissions/export")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await export.ExportAsync(request.QueryValue("kind"), request.QueryValue("period"), Actor.Staff, cancellationToken))
            .ToHttp(dataset => TypedResults.File(dataset.Csv, "text/csv; charset=utf-8", dataset.FileName));
    }

    // Queued (an HTTP request would hit Azure's ~230 s limit at real volumes): 202 with the job and its
    // statusUrl; while one is queued or running, asking again answers that one.
    [Function("RebuildIndicators")]
    [StaffAccess]
    public async Task<IResult> RebuildAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/indicators/rebuild")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (job, _) = await rebuilds.RequestAsync(Actor.Staff, cancellationToken);
        return TypedResults.Accepted(job.StatusUrl, job);
    }

    [Function("IndicatorRebuildStatus")]
    [StaffAccess]
    public async Task<IResult> RebuildStatusAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/indicators/rebuild/{jobId}")] HttpRequest request,
        string jobId, CancellationToken cancellationToken) =>
        await rebuilds.GetAsync(jobId, cancellationToken) is { } job
            ? TypedResults.Ok(job)
            : TypedResults.Problem(title: "Introuvable", detail: "Aucun recalcul des indicateurs ne porte ce numéro.", statusCode: StatusCodes.Status404NotFound);

    // The latest jobs, newest first: what the page shows when it opens (a recalculation may be under way).
    [Function("IndicatorRebuilds")]
    [StaffAccess]
    public async Task<IResult> RebuildsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/indicators/rebuilds")] HttpRequest request,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await rebuilds.ListRecentAsync(5, cancellationToken));
}
