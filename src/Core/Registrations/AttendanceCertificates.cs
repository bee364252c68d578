using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

// The attendance certificate behind its own signed link (which opens nothing else): only for a
// registration checked in at the door and not cancelled, once the event has begun; its link can be e-mailed.
public sealed class AttendanceCertificates(RegistrationStore store, RegistrationViews views, RegistrationLinks links, EmailOutbox outbox, RegistrationEmails emails, TimeProvider time)
{
    public static bool HasCertificate(RegistrationEntity reg)
    {
        ArgumentNullException.ThrowIfNull(reg);
        return reg.CheckedInAt is not null && reg.Status != RegistrationStatus.Cancelled;
    }

    public async Task<Result<RegistrationView>> GetAsync(string eventId, string registrationId, string? token, CancellationToken cancellationToken = default)
    {
        if (!EventRules.IsValidEventId(eventId) || !RegistrationStore.IsSafeId(registrationId) || !links.VerifyCertificateToken(eventId, registrationId, token))
        {
            return Result<RegistrationView>.NotFound("Ce lien n'est pas valide. Utilisez le lien reçu par e-mail.");
        }
        var view = await views.GetViewAsync(eventId, registrationId, cancellationToken);
        if (view.IsSuccess && view.Value!.Status == RegistrationStatus.Cancelled)
        {
            return Result<RegistrationView>.Conflict("Cette inscription est annulée : elle ne donne pas d'attestation de présence.");
        }
        if (view.IsSuccess && (view.Value!.CheckedInAt is null || time.GetUtcNow() < view.Value.Event.StartsAt))
        {
            return Result<RegistrationView>.Conflict("L'attestation de présence est disponible après votre passage à l'accueil, le jour de l'événement.");
        }
        return view;
    }

    public async Task<Result<RegistrationView>> SendLinkAsync(string eventId, string registrationId, string? token, CancellationToken cancellationToken = default)
    {
        var view = await GetAsync(eventId, registrationId, token, cancellationToken);
        if (view.IsSuccess && await store.GetEventAsync(eventId, cancellationToken) is { } evt && await store.GetRegistrationAsync(eventId, registrationId, cancellationToken) is { } reg)
        {
            await outbox.SendAsync(emails.CertificateLink(evt, reg), cancellationToken: cancellationToken);
        }
        return view;
    }
}
