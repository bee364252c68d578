using Microstructures.Core.Common;
using Microstructures.Core.Newsletter;
using Microstructures.Functions.Pages;
using static Microstructures.Functions.Pages.PageResults;

namespace Microstructures.Functions.Newsletter;

// The public newsletter pages' answers: which template, with which model and status, for each Core
// result. The templates hold the markup and the French.
public static class NewsletterPages
{
    public const string SubscribePath = NewsletterLinks.SubscribePath;

    internal static IResult SubscribeForm(bool sent) => Page(SubscribePage.Create(SubscribeFormModel(sent)));

    private static SubscribeForm SubscribeFormModel(bool sent) => sent ? Newsletter.SubscribeForm.Empty with { Sent = true } : Newsletter.SubscribeForm.Empty;

    internal static async Task<IResult> SubmitSubscribeFormAsync(IFormCollection form, System.Net.IPAddress? client, SubscriptionService subscriptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(subscriptions);
        string? Field(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;
        var input = new SubscriptionInput(Field("email"), Field("consent") is "on" or "true" or "1", Field("website"));
        var result = await subscriptions.SubscribeAsync(input, client, cancellationToken);
        // 303 to the answer: a refresh shows it again and posts nothing.
        return result.Kind switch
        {
            ResultKind.Success => new SeeOther(SubscribePath + "?envoye=1"),
            ResultKind.TooManyRequests => new Hosting.RetryAfterResult(
                Notice(new Notice(PageTitles.TooManyRequests, result.Detail ?? "", Link: new NoticeLink(SubscribePath, "Revenir au formulaire d'abonnement")),
                    StatusCodes.Status429TooManyRequests),
                result.RetryAfter ?? TimeSpan.FromMinutes(1)),
            _ => Page(SubscribePage.Create(new SubscribeForm(input, result.Errors)), StatusCodes.Status400BadRequest),
        };
    }

    internal static IResult Confirmation(string? token, Result<ConfirmationView> result) =>
        result.IsSuccess ? Page(ConfirmPage.Create(new ConfirmModel(result.Value!, token!))) : InvalidLink(result.Detail);

    internal static IResult Unsubscribe(string? token, Result<UnsubscribeView> result, bool justDone) =>
        result.IsSuccess ? Page(UnsubscribePage.Create(new UnsubscribeModel(result.Value!, token!, justDone))) : InvalidLink(result.Detail);

    internal static IResult Stay(string? token, Result<StayView> result) =>
        result.IsSuccess ? Page(StayPage.Create(new StayModel(result.Value!, token!))) : InvalidLink(result.Detail);

    internal static IResult Archive(IReadOnlyList<ArchivedIssueSummary> issues) => Page(ArchivePage.Create(issues));

    internal static IResult ArchivedIssue(Result<ArchivedIssue> result) =>
        result.IsSuccess
            ? Page(ArchiveIssuePage.Create(result.Value!))
            : Notice(new Notice(PageTitles.ErrorPrefix + "numéro introuvable", result.Detail ?? "", Link: new NoticeLink(NewsletterLinks.ArchivePath, "Voir les numéros parus")), StatusCodes.Status404NotFound);

    private static IResult InvalidLink(string? detail) =>
        Notice(new Notice(PageTitles.InvalidLink, detail ?? NewsletterMessages.InvalidLink,
            Hint: "Vérifiez que le lien est complet (copiez-le en entier depuis l'e-mail).",
            Link: new NoticeLink(SubscribePath, "Page d'abonnement à la lettre d'information")), StatusCodes.Status404NotFound);
}

// The models of the pages behind the e-mails' signed links: the Core view, the link's token (the
// page's form posts back to the same address) and, for unsubscribing, whether this request did it.
public sealed record ConfirmModel(ConfirmationView View, string Token)
{
    public string Title => View.State switch
    {
        ConfirmationState.ToConfirm => "Confirmer votre abonnement",
        ConfirmationState.Confirmed => "Abonnement confirmé",
        _ => "Abonnement déjà confirmé",
    };

    public string PostPath => $"{NewsletterLinks.ConfirmPath}?token={Uri.EscapeDataString(Token)}";
}

public sealed record UnsubscribeModel(UnsubscribeView View, string Token, bool JustDone)
{
    public string Title => View.Unsubscribed ? "Désabonnement confirmé" : "Se désabonner de la lettre d'information";

    public string PostPath => $"{NewsletterLinks.UnsubscribePath}?token={Uri.EscapeDataString(Token)}";
}

public sealed record StayModel(StayView View, string Token)
{
    public string Title => View.Stayed ? "Abonnement prolongé" : "Rester abonné·e";

    public string PostPath => $"{NewsletterLinks.StayPath}?token={Uri.EscapeDataString(Token)}";
}
