using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// What the page shows: the registration, the second step of a cancellation, or the answer to one.
public enum ManageStep
{
    Show,
    ConfirmCancel,
    JustCancelled,
    JustRestored,
}

// The model of ManageRegistrationPage: the registration behind a signed link, that link's token, and
// the step (a cancellation asks once more and, once done, can be undone while the seat is free).
public sealed record ManageRegistration(RegistrationView View, string Token, ManageStep Step = ManageStep.Show)
{
    public bool JustCancelled => Step == ManageStep.JustCancelled;

    public string Title => Step == ManageStep.ConfirmCancel && View.Status != RegistrationStatus.Cancelled
        ? (View.Status == RegistrationStatus.Waitlisted ? "Quitter la liste d'attente\u00A0?" : "Annuler votre inscription\u00A0?")
        : View.Status switch
    {
        RegistrationStatus.Confirmed => "Inscription confirmée",
        RegistrationStatus.Waitlisted => "Liste d'attente",
        _ => "Inscription annulée",
    };

    public string ManagePath => $"/api/events/{Uri.EscapeDataString(View.Event.EventId)}/registrations/{Uri.EscapeDataString(View.RegistrationId)}/manage?token={Uri.EscapeDataString(Token)}";

    public string ConfirmCancelPath => ManagePath + "&step=annuler";

    // The certificate has a token of its own (it opens nothing else), given only once it can be had:
    // checked in, not cancelled, the event begun.
    public string? CertificatePath => View.CertificateUrl is { } url ? new Uri(url).PathAndQuery : null;
}
