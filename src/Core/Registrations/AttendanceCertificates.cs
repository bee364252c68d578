using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

// The attendance certificate behind its signed link: only for someone checked in at the door, once
// the event has begun; its link can be e-mailed.
public sealed class AttendanceCertificates(RegistrationStore store, RegistrationViews views, EmailOutbox outbox, RegistrationEmails emails, TimeProvider time)
{
    public async Task<Result<RegistrationView>> GetAsync(string eventId, string registrationId, string? token, CancellationToken cancellationToken = default)
    {
        var view = await views.GetForManageAsync(eventId, registrationId, token, cancellationToken);
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
