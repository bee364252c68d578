using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

// "I cancelled by mistake": a cancelled confirmed registration is confirmed again, while its seat is
// still free (nobody waiting took it, the event has not begun). In one transaction under the event's
// ETag, as the cancellation: the seat, the address's uniqueness row and the e-mail's commit marker.
public sealed class CancellationUndo(
    RegistrationStore store, EventLocks locks, RegistrationViews views, RegistrationLinks links, EmailOutbox outbox, RegistrationEmails emails,
    TimeProvider time, ILogger<CancellationUndo> logger)
{
    private const int MaxAttempts = 100;

    public static bool IsPossible(EventEntity evt, RegistrationEntity reg, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(reg);
        return reg.Status == RegistrationStatus.Cancelled && reg.ConfirmedAt is not null
            && evt.Waiting == 0 && evt.SeatsLeft > 0 && now < evt.StartsAt && evt.PurgedAt is null && evt.CancelledAt is null;
    }

    public async Task<Result<RegistrationView>> UndoWithTokenAsync(string eventId, string registrationId, string? token, CancellationToken cancellationToken = default)
    {
        if (!EventRules.IsValidEventId(eventId) || !RegistrationStore.IsSafeId(registrationId) || !links.VerifyManageToken(eventId, registrationId, token))
        {
            return Result<RegistrationView>.NotFound("Ce lien n'est pas valide. Utilisez le lien reçu par e-mail.");
        }
        string? emailId = null;
        using (await locks.LockAsync(eventId, cancellationToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                var evt = await store.GetEventAsync(eventId, cancellationToken);
                var reg = evt is null ? null : await store.GetRegistrationAsync(eventId, registrationId, cancellationToken);
                if (evt is null || reg is null)
                {
                    return Result<RegistrationView>.NotFound("Cette inscription n'existe plus.");
                }
                if (reg.Status == RegistrationStatus.Confirmed)
                {
                    // Undone already (a second click): nothing more to do or to send.
                    return await views.GetViewAsync(eventId, registrationId, cancellationToken);
                }
                if (!IsPossible(evt, reg, time.GetUtcNow()))
                {
                    return Result<RegistrationView>.Conflict("Votre place n'est plus libre (ou l'événement a commencé) : l'annulation ne peut plus être défaite. Vous pouvez vous réinscrire si des places restent.");
                }
                reg.Status = RegistrationStatus.Confirmed;
                reg.CancelledAt = null;
                reg.CalendarRevision++;
                evt.Confirmed++;
                evt.Cancelled--;
                emailId = $"reg-{reg.RegistrationId}-restored-{Guid.NewGuid():N}";
                var marker = RegistrationStore.Marker(eventId, emailId);
                await outbox.PrepareAsync(emails.Confirmation(evt, reg, promoted: false, restored: true), marker, emailId, cancellationToken);
                List<TableTransactionAction> actions =
                [
                    new(TableTransactionActionType.UpdateReplace, reg, reg.ETag),
                    new(TableTransactionActionType.Add, RegistrationStore.EmailIndexRow(eventId, reg.Email, reg.RegistrationId)),
                    new(TableTransactionActionType.Add, marker.NewEntity()),
                    new(TableTransactionActionType.UpdateReplace, evt, evt.ETag),
                ];
                try
                {
                    await store.SubmitAsync(eventId, actions, cancellationToken);
                    logger.LogInformation("Cancellation of {RegistrationId} for {EventId} undone", registrationId, eventId);
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 409)
                {
                    return Result<RegistrationView>.Conflict("Cette adresse e-mail est de nouveau inscrite à cet événement : consultez l'e-mail de cette inscription.");
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404 && attempt < MaxAttempts)
                {
                    emailId = null;
                }
            }
        }
        await outbox.DispatchAsync(emailId!, cancellationToken);
        return await views.GetViewAsync(eventId, registrationId, cancellationToken);
    }
}
