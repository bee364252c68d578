using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// The model of ManageRegistrationPage: the registration behind a signed link, that link's token, and
// whether it was cancelled by this very request.
public sealed record ManageRegistration(RegistrationView View, string Token, bool JustCancelled = false)
{
    public string Title => View.Status switch
    {
        RegistrationStatus.Confirmed => "Inscription confirmée",
        RegistrationStatus.Waitlisted => "Liste d'attente",
        _ => "Inscription annulée",
    };

    public string ManagePath => $"/api/events/{Uri.EscapeDataString(View.Event.EventId)}/registrations/{Uri.EscapeDataString(View.RegistrationId)}/manage?token={Uri.EscapeDataString(Token)}";

    // The certificate has a token of its own (it opens nothing else), given only once it can be had:
    // checked in, not cancelled, the event begun.
    public string? CertificatePath => View.CertificateUrl is { } url ? new Uri(url).PathAndQuery : null;
}
