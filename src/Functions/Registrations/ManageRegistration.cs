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

    public string CertificatePath => $"/api/events/{Uri.EscapeDataString(View.Event.EventId)}/registrations/{Uri.EscapeDataString(View.RegistrationId)}/certificate?token={Uri.EscapeDataString(Token)}";
}
