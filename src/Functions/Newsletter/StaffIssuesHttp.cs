using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Newsletter;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Newsletter;

public sealed record TestSendInput(IReadOnlyList<string>? To);

// The staff's issues: write one per month in Markdown, preview it, send a test, mark it ready (the
// monthly timer sends it at the month's send time), follow its campaign.
public sealed class StaffIssuesHttp(IssueService issues, CampaignMonitor monitor)
{
    private const string Base = "api/manage/newsletter/issues";

    [Function("ManageNewsletterIssues")]
    [StaffAccess]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Base)] HttpRequest request, CancellationToken cancellationToken) =>
        TypedResults.Ok((await issues.ListAsync(cancellationToken)).Select(StaffNewsletterJson.Summary));

    // GET reads, PUT creates or replaces subject and body ({"subject", "body"}), DELETE removes a draft.
    [Function("ManageNewsletterIssue")]
    [StaffAccess]
    public async Task<IResult> IssueAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "put", "delete", Route = Base + "/{month}")] HttpRequest request,
        string month, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = request.Method.ToUpperInvariant() switch
        {
            "GET" => await issues.GetAsync(month, cancellationToken),
            "PUT" => await issues.SaveAsync(month, await request.ReadJsonAsync<IssueInput>(cancellationToken), Actor.Staff, cancellationToken),
            _ => await issues.DeleteAsync(month, Actor.Staff, cancellationToken),
        };
        return result.ToHttp(i => TypedResults.Ok(StaffNewsletterJson.Issue(i)));
    }

    // POST marks the issue ready (after its checks), DELETE sends it back to draft.
    [Function("NewsletterIssueReady")]
    [StaffAccess]
    public async Task<IResult> ReadyAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "delete", Route = Base + "/{month}/ready")] HttpRequest request,
        string month, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = HttpMethods.IsPost(request.Method)
            ? await issues.MarkReadyAsync(month, Actor.Staff, cancellationToken)
            : await issues.ReturnToDraftAsync(month, Actor.Staff, cancellationToken);
        return result.ToHttp(i => TypedResults.Ok(StaffNewsletterJson.Issue(i)));
    }

    [Function("NewsletterIssuePreview")]
    [StaffAccess]
    public async Task<IResult> PreviewAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Base + "/{month}/preview")] HttpRequest request,
        string month, CancellationToken cancellationToken) =>
        (await issues.PreviewAsync(month, cancellationToken)).ToHttp();

    // {"to": ["a@example.org", ...]}: the issue as a subscriber gets it, subject marked [Test].
    [Function("NewsletterIssueTest")]
    [StaffAccess]
    public async Task<IResult> TestAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Base + "/{month}/test")] HttpRequest request,
        string month, CancellationToken cancellationToken) =>
        (await issues.SendTestAsync(month, (await request.ReadJsonAsync<TestSendInput>(cancellationToken))?.To, Actor.Staff, cancellationToken))
            .ToHttp(report => TypedResults.Accepted((string?)null, report));

    // Sent / pending / failed while the send runs, and after.
    [Function("NewsletterCampaign")]
    [StaffAccess]
    public async Task<IResult> CampaignAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Base + "/{month}/campaign")] HttpRequest request,
        string month, CancellationToken cancellationToken)
    {
        if (!NewsletterMonth.TryParse(month, out var m))
        {
            return ((Result<object>)new ValidationErrors().Add("month", "Indiquez le mois au format AAAA-MM, par exemple 2026-03.")).ToHttp();
        }
        return await monitor.GetProgressAsync(m, cancellationToken) is { } progress
            ? TypedResults.Ok(StaffNewsletterJson.Progress(progress))
            : Result<object>.NotFound($"Aucun envoi pour {m.Label}.").ToHttp();
    }
}
