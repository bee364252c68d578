using Microstructures.Core.Common;

namespace Microstructures.Core.Registrations;

// A registration as its owner sees it behind the signed manage link, with its current waitlist position.
public sealed class RegistrationViews(RegistrationStore store, RegistrationLinks links, TimeProvider time)
{
    public async Task<Result<RegistrationView>> GetForManageAsync(string eventId, string registrationId, string? token, CancellationToken cancellationToken = default)
    {
        if (!EventRules.IsValidEventId(eventId) || !RegistrationStore.IsSafeId(registrationId)
            || !links.VerifyManageToken(eventId, registrationId, token))
        {
            return Result<RegistrationView>.NotFound("Ce lien n'est pas valide. Utilisez le lien reçu par e-mail.");
        }
        return await GetViewAsync(eventId, registrationId, cancellationToken);
    }

    public async Task<Result<RegistrationView>> GetViewAsync(string eventId, string registrationId, CancellationToken cancellationToken = default)
    {
        var evt = await store.GetEventAsync(eventId, cancellationToken);
        var reg = evt is null ? null : await store.GetRegistrationAsync(eventId, registrationId, cancellationToken);
        if (evt is null || reg is null)
        {
            return Result<RegistrationView>.NotFound("Cette inscription n'existe plus.");
        }
        int? position = reg is { Status: RegistrationStatus.Waitlisted, WaitSequence: { } seq }
            ? await store.WaitlistPositionAsync(eventId, seq, cancellationToken)
            : null;
        var now = time.GetUtcNow();
        return Result<RegistrationView>.Success(new RegistrationView(EventSummary.From(evt, now), reg.RegistrationId, reg.FirstName, reg.LastName, reg.Email, reg.Status, position, reg.CheckedInAt,
            RegistrationCancellation.RegistrantRefusal(evt, reg, now) is null,
            AttendanceCertificates.HasCertificate(reg) ? links.CertificateLink(eventId, registrationId).ToString() : null,
            reg.Status == RegistrationStatus.Confirmed ? links.EntryCode(eventId, registrationId) : null,
            CancellationUndo.IsPossible(evt, reg, now)));
    }
}
