using Microstructures.Core.Common;
using Microstructures.Core.Forfaits;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Forfaits;

// The page of a reminder e-mail's signed link. GET shows what the e-mail said (counts, euros) and a
// button; link scanners open links, so the pseudonyms are shown only in the answer to that button's
// POST. The other POSTs (renew, close, snooze, acknowledge one forfait) answer the list again with
// what was done; a second press changes nothing (a renewal names the period it renews).
public sealed class ForfaitDigestPageHttp(ForfaitDigests digests)
{
    [Function("ForfaitDigestPage")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/forfaits/reminders/{digestId}")] HttpRequest request,
        string digestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.QueryValue("token");
        if (HttpMethods.IsGet(request.Method))
        {
            var overview = await digests.OpenAsync(digestId, token, cancellationToken);
            return overview.IsSuccess ? Page(new ForfaitDigestView(overview.Value!, token!)) : InvalidLink(overview.Detail);
        }
        var form = await DigestForm.ReadAsync(request, cancellationToken);
        Notice? outcome = null;
        var status = StatusCodes.Status200OK;
        if (form.Action is { } action)
        {
            var applied = await digests.ApplyAsync(digestId, token, form.ForfaitId ?? "", action, new ClosureInput(form.Reason), cancellationToken);
            (outcome, status) = applied.Kind switch
            {
                ResultKind.Success => (new Notice(DigestForm.Done(action), DigestForm.Done(action), NoticeKind.Ok), StatusCodes.Status200OK),
                ResultKind.Invalid => (new Notice("Action refusée", string.Join(" ", applied.Errors.ToDictionary().SelectMany(e => e.Value))), StatusCodes.Status400BadRequest),
                ResultKind.NotFound => (new Notice("Action refusée", applied.Detail ?? ""), StatusCodes.Status404NotFound),
                _ => (new Notice("Action refusée", applied.Detail ?? ""), StatusCodes.Status409Conflict),
            };
        }
        var detail = await digests.ListAsync(digestId, token, cancellationToken);
        return detail.IsSuccess
            ? Page(new ForfaitDigestView(detail.Value!.Overview, token!, detail.Value.Forfaits, outcome), status)
            : InvalidLink(detail.Detail);
    }

    private static IResult Page(ForfaitDigestView view, int status = StatusCodes.Status200OK) => PageResults.Page(ForfaitDigestPage.Create(view), status);

    private static IResult InvalidLink(string? detail) =>
        PageResults.Notice(new Notice(PageTitles.InvalidLink, detail ?? "Ce lien n'est pas valable.",
            Hint: "Vérifiez que le lien est complet (copiez-le en entier depuis l'e-mail). Les forfaits restent accessibles à votre réseau sur la plateforme."),
            StatusCodes.Status404NotFound);
}

// The fields the digest page posts: action (list, renew, close, snooze, acknowledge), forfaitId, reason.
public sealed record DigestForm(DigestAction? Action, string? ForfaitId, string? Reason)
{
    public static async Task<DigestForm> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Read within limits and decoded strictly (FormBody): a malformed post is a 4xx, never a 500.
        var form = await request.ReadFormAsync(maxBytes: 4 * 1024, maxFields: 10, cancellationToken);
        string? Field(string name) => form.TryGetValue(name, out var v) ? v : null;
        DigestAction? action = Field("action") switch
        {
            "renew" => DigestAction.Renew,
            "close" => DigestAction.Close,
            "snooze" => DigestAction.Snooze,
            "acknowledge" => DigestAction.Acknowledge,
            "list" or null or "" => null,
            _ => throw new BadHttpRequestException("Action inconnue.", StatusCodes.Status400BadRequest),
        };
        return new DigestForm(action, Field("forfaitId"), Field("reason"));
    }

    public static string Done(DigestAction action) => action switch
    {
        DigestAction.Renew => "Forfait renouvelé : la nouvelle période commence le lendemain de la fin de la précédente.",
        DigestAction.Close => "Forfait clôturé : il n'aura plus de rappel.",
        DigestAction.Snooze => "Rappel reporté : le prochain rappel de ce forfait ne sera pas envoyé, les suivants oui.",
        _ => "C'est noté : plus de rappel à la microstructure pour cette période.",
    };
}
