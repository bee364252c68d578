using Microsoft.Extensions.Options;

namespace Microstructures.Core.Registrations;

// The signed links of a registration, absolute (they travel in e-mails and QR codes): the manage
// link (view, cancel) and the attendance certificate link, and the check-in code of the QR.
public sealed class RegistrationLinks(RegistrationTokens tokens, IOptions<PublicSiteOptions> site)
{
    public Uri ManageLink(string eventId, string registrationId) =>
        site.Value.Link($"/api/events/{eventId}/registrations/{registrationId}/manage?token={tokens.Sign(RegistrationTokens.Manage, eventId, registrationId)}");

    public bool VerifyManageToken(string eventId, string registrationId, string? token) =>
        tokens.Verify(RegistrationTokens.Manage, eventId, registrationId, token);

    // A token of its own: the certificate is shown to others (an employer, a training body), and its
    // link must open nothing else (the manage link cancels).
    public Uri CertificateLink(string eventId, string registrationId) =>
        site.Value.Link($"/api/events/{eventId}/registrations/{registrationId}/certificate?token={tokens.Sign(RegistrationTokens.Certificate, eventId, registrationId)}");

    public bool VerifyCertificateToken(string eventId, string registrationId, string? token) =>
        tokens.Verify(RegistrationTokens.Certificate, eventId, registrationId, token);

    // The text of the check-in QR code a door volunteer's phone scans.
    public string CheckinCode(string eventId, string registrationId) => tokens.CheckinToken(eventId, registrationId);

    // The short code typed at the door when the QR code cannot be read ("K7M-4QX").
    public string EntryCode(string eventId, string registrationId) => tokens.EntryCode(eventId, registrationId);
}
