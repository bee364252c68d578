namespace Microstructures.Functions.Pages;

// The titles every page shares, in one place: the site's name, the staff area, and the error pages
// (their titles start with "Erreur", so a screen reader says it first). French typography: a
// no-break space before ":" and inside « ».
public static class PageTitles
{
    public const string SiteName = "CNRMS — Microstructures médicales";
    public const string Association = "Coordination Nationale des Réseaux de Microstructures";
    public const string StaffArea = "Espace équipe";

    public const string ErrorPrefix = "Erreur\u00A0: ";
    public const string InternalError = "Erreur interne";
    public const string ServiceUnavailable = ErrorPrefix + "service momentanément indisponible";
    public const string BadRequest = ErrorPrefix + "requête invalide";
    public const string TooManyRequests = ErrorPrefix + "trop de demandes";
    public const string EventNotFound = ErrorPrefix + "événement introuvable";
    public const string InvalidLink = ErrorPrefix + "lien non valide";
    public const string InvalidDoorLink = ErrorPrefix + "lien d'accueil non valide";
    public const string RegistrationClosed = ErrorPrefix + "inscription impossible";
    public const string CertificateUnavailable = ErrorPrefix + "attestation indisponible";
    public const string CancellationRefused = ErrorPrefix + "annulation impossible";
    public const string UndoImpossible = ErrorPrefix + "annulation définitive";

    // The error page of a failure HttpErrorMiddleware answers, by status.
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status503ServiceUnavailable => ServiceUnavailable,
        >= 500 => InternalError,
        StatusCodes.Status429TooManyRequests => TooManyRequests,
        _ => BadRequest,
    };

    // "Inscription — Journée… — CNRMS"; a form shown again with errors starts with "Erreur : ".
    public static string Document(PageLayout page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var title = page.ShowsErrors ? ErrorPrefix + page.Title : page.Title;
        return page.IsStaff ? $"{title} — {StaffArea} — CNRMS" : $"{title} — CNRMS";
    }
}
