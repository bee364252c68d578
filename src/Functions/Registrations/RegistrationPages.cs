using Microstructures.Core.Common;
using Microstructures.Core.Registrations;
using Microstructures.Functions.Pages;
using static Microstructures.Functions.Pages.PageResults;

namespace Microstructures.Functions.Registrations;

// The public pages' answers: which template, with which model and status, for each Core result. The
// templates (RegisterFormPage, ManageRegistrationPage, CertificatePage) hold the markup and the French.
public static class RegistrationPages
{
    internal static async Task<IResult> ShowFormAsync(string eventId, EventCatalogue catalogue, CancellationToken cancellationToken)
    {
        var summary = await catalogue.GetSummaryAsync(eventId, cancellationToken);
        return summary.IsSuccess ? Page(RegisterFormPage.Create(new RegisterForm(summary.Value!, new RegistrationInput()))) : EventNotFound();
    }

    // The limits are counted in Core, after validation: a refusal carries the true wait (Retry-After).
    internal static async Task<IResult> SubmitFormAsync(string eventId, RegistrationForm form, System.Net.IPAddress? client, RegistrationService service, EventCatalogue catalogue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(catalogue);
        var result = await service.RegisterAsync(eventId, form.Input, RegistrationSource.Public, client, cancellationToken);
        return result.Kind switch
        {
            // The registration's own page, by its signed address: a refresh shows it again, never a second submission.
            ResultKind.Success when result.Value!.ManageUrl is { } url => new SeeOther(new Uri(url).PathAndQuery),
            ResultKind.Success when result.Value!.Kind == RegistrationOutcomeKind.AlreadyRegistered => Notice(new Notice("Déjà inscrit·e",
                RegistrationOutcome.AlreadyRegisteredMessage, NoticeKind.Info), StatusCodes.Status200OK),
            ResultKind.Success => Notice(new Notice("Merci", "Votre demande a bien été reçue.", NoticeKind.Ok), StatusCodes.Status200OK),
            ResultKind.Invalid => (await catalogue.GetSummaryAsync(eventId, cancellationToken)) is { IsSuccess: true } s
                ? Page(RegisterFormPage.Create(new RegisterForm(s.Value!, form.Input, result.Errors)), StatusCodes.Status400BadRequest)
                : EventNotFound(),
            ResultKind.NotFound => EventNotFound(),
            // The form again, as typed, with the true wait: nothing to type again once it is over.
            ResultKind.TooManyRequests => new Hosting.RetryAfterResult(
                (await catalogue.GetSummaryAsync(eventId, cancellationToken)) is { IsSuccess: true } t
                    ? Page(RegisterFormPage.Create(new RegisterForm(t.Value!, form.Input, Refusal: result.Detail ?? "Trop de tentatives d'inscription en peu de temps.")), StatusCodes.Status429TooManyRequests)
                    : Notice(new Notice(PageTitles.TooManyRequests, result.Detail ?? "Trop de tentatives d'inscription en peu de temps."), StatusCodes.Status429TooManyRequests),
                result.RetryAfter!.Value),
            _ => Notice(new Notice(PageTitles.RegistrationClosed, result.Detail ?? "Les inscriptions sont fermées."), StatusCodes.Status409Conflict),
        };
    }

    internal static async Task<IResult> ShowManageAsync(string eventId, string registrationId, string? token, bool confirmCancel, RegistrationViews views, CancellationToken cancellationToken)
    {
        var view = await views.GetForManageAsync(eventId, registrationId, token, cancellationToken);
        return view.IsSuccess
            ? Page(ManageRegistrationPage.Create(new ManageRegistration(view.Value!, token!, confirmCancel ? ManageStep.ConfirmCancel : ManageStep.Show)))
            : InvalidLink(view.Detail);
    }

    // A POST, never a GET: a mail scanner following the link must not cancel anything.
    internal static async Task<IResult> CancelFromManageAsync(string eventId, string registrationId, string? token, RegistrationCancellation cancellation, CancellationToken cancellationToken)
    {
        var view = await cancellation.CancelWithTokenAsync(eventId, registrationId, token, cancellationToken);
        return view.Kind switch
        {
            ResultKind.Success => Page(ManageRegistrationPage.Create(new ManageRegistration(view.Value!, token!, ManageStep.JustCancelled))),
            // Checked in, or the event has begun: said as it is, the registration unchanged.
            ResultKind.Conflict => Notice(new Notice(PageTitles.CancellationRefused, view.Detail ?? "", NoticeKind.Info), StatusCodes.Status409Conflict),
            _ => InvalidLink(view.Detail),
        };
    }

    internal static async Task<IResult> UndoFromManageAsync(string eventId, string registrationId, string? token, CancellationUndo undo, CancellationToken cancellationToken)
    {
        var view = await undo.UndoWithTokenAsync(eventId, registrationId, token, cancellationToken);
        return view.Kind switch
        {
            ResultKind.Success => Page(ManageRegistrationPage.Create(new ManageRegistration(view.Value!, token!, ManageStep.JustRestored))),
            ResultKind.Conflict => Notice(new Notice(PageTitles.UndoImpossible, view.Detail ?? "", NoticeKind.Info,
                Link: new NoticeLink($"/api/events/{Uri.EscapeDataString(eventId)}/registrations/{Uri.EscapeDataString(registrationId)}/manage?token={Uri.EscapeDataString(token ?? "")}", "Retour à votre inscription")), StatusCodes.Status409Conflict),
            _ => InvalidLink(view.Detail),
        };
    }

    internal static async Task<IResult> ShowCertificateAsync(string eventId, string registrationId, string? token, AttendanceCertificates certificates, CancellationToken cancellationToken) =>
        CertificateAnswer(await certificates.GetAsync(eventId, registrationId, token, cancellationToken), sent: false);

    internal static async Task<IResult> SendCertificateAsync(string eventId, string registrationId, string? token, AttendanceCertificates certificates, CancellationToken cancellationToken) =>
        CertificateAnswer(await certificates.SendLinkAsync(eventId, registrationId, token, cancellationToken), sent: true);

    private static IResult CertificateAnswer(Result<RegistrationView> result, bool sent) => result.Kind switch
    {
        ResultKind.Success => Page(CertificatePage.Create(new Certificate(result.Value!, sent))),
        ResultKind.Conflict => Notice(new Notice(PageTitles.CertificateUnavailable, result.Detail ?? "", NoticeKind.Info), StatusCodes.Status409Conflict),
        _ => InvalidLink(result.Detail),
    };

    internal static IResult EventNotFound() =>
        Notice(new Notice(PageTitles.EventNotFound, "Cet événement n'existe pas ou n'est plus proposé.", NoticeKind.Info, Link: new NoticeLink("/", "Voir les événements proposés")), StatusCodes.Status404NotFound);

    private static IResult InvalidLink(string? detail) =>
        Notice(new Notice(PageTitles.InvalidLink, detail ?? "Ce lien n'est pas valide.", Hint: "Vérifiez que le lien est complet (copiez-le en entier depuis l'e-mail). En cas de difficulté, écrivez aux organisateurs de l'événement.",
            Link: new NoticeLink("/", "Voir les événements proposés")), StatusCodes.Status404NotFound);
}
