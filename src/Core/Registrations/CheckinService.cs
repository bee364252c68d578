using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;

namespace Microstructures.Core.Registrations;

public sealed record CheckinLink(string Url, int Version);

// Token: the QR code's text or the short entry code ("K7M-4QX"); or RegistrationId, from a search by name.
public sealed record CheckinInput(string? Token, string? DoorKey, string? RegistrationId = null);

public sealed record CheckinAnswer(string RegistrationId, string FirstName, string LastName, string Organisation, bool AlreadyCheckedIn, DateTimeOffset CheckedInAt);

public sealed record UndoCheckinInput(string? RegistrationId, string? DoorKey);

// What the door sees of a registration: who, and whether they have arrived (never the e-mail or needs).
public sealed record DoorEntry(string RegistrationId, string FirstName, string LastName, string Organisation, RegistrationStatus Status, DateTimeOffset? CheckedInAt);

// Door volunteers get a per-event link (signed, not the staff key). Its key is "<version>.<mac>";
// bumping the event's CheckinLinkVersion revokes every link handed out before. Arrivals are recorded
// only in the event's check-in window (Registrations__CheckinMargin around it); the door and the staff
// can undo one.
public sealed class CheckinService(RegistrationStore store, RegistrationTokens tokens, IOptions<PublicSiteOptions> site, IOptions<RegistrationOptions> options, TimeProvider time, ILogger<CheckinService> logger)
{
    public async Task<Result<CheckinLink>> GetLinkAsync(string eventId, bool revokePrevious, CancellationToken cancellationToken = default)
    {
        var evt = EventRules.IsValidEventId(eventId) ? await store.GetEventAsync(eventId, cancellationToken) : null;
        if (evt is null)
        {
            return Result<CheckinLink>.NotFound("Cet événement n'existe pas.");
        }
        if (revokePrevious)
        {
            // Conditional on the ETag: a concurrent seat change makes us read again, never lose its counters.
            var table = await store.TableAsync(cancellationToken);
            while (true)
            {
                evt.CheckinLinkVersion++;
                try
                {
                    await table.UpdateEntityAsync(evt, evt.ETag, TableUpdateMode.Replace, cancellationToken);
                    break;
                }
                catch (RequestFailedException ex) when (ex.Status == 412)
                {
                    evt = await store.GetEventAsync(eventId, cancellationToken) ?? throw new InvalidOperationException($"Event {eventId} vanished.");
                }
            }
            logger.LogInformation("Check-in links of {EventId} revoked; now version {Version}", eventId, evt.CheckinLinkVersion);
        }
        var key = DoorKey(eventId, evt.CheckinLinkVersion);
        return Result<CheckinLink>.Success(new CheckinLink(site.Value.Link($"/api/events/{eventId}/checkin?door={Uri.EscapeDataString(key)}").ToString(), evt.CheckinLinkVersion));
    }

    public async Task<bool> IsDoorKeyValidAsync(string eventId, string? doorKey, CancellationToken cancellationToken = default)
    {
        var evt = EventRules.IsValidEventId(eventId) ? await store.GetEventAsync(eventId, cancellationToken) : null;
        return evt is not null && IsDoorKeyValid(evt, doorKey);
    }

    // Idempotent: scanning the same code twice answers "already checked in" with the first time.
    public async Task<Result<CheckinAnswer>> CheckInAsync(string eventId, CheckinInput? input, CancellationToken cancellationToken = default)
    {
        var evt = EventRules.IsValidEventId(eventId) ? await store.GetEventAsync(eventId, cancellationToken) : null;
        if (evt is null || !IsDoorKeyValid(evt, input?.DoorKey))
        {
            return InvalidDoor<CheckinAnswer>();
        }
        if (OutsideWindow(evt) is { } closed)
        {
            return Result<CheckinAnswer>.Conflict(closed);
        }
        if (input?.RegistrationId is { Length: > 0 } chosen)
        {
            return RegistrationStore.IsSafeId(chosen) ? await MarkAsync(eventId, chosen, cancellationToken) : Result<CheckinAnswer>.NotFound("Cette inscription n'existe pas.");
        }
        if (RegistrationTokens.NormalizeEntryCode(input?.Token) is { } code)
        {
            return await CheckInByCodeAsync(eventId, code, cancellationToken);
        }
        var registrationId = tokens.ReadCheckinToken(eventId, input?.Token);
        if (registrationId is null)
        {
            return new ValidationErrors().Add("token", "Ce code n'est pas un code d'entrée valide pour cet événement.");
        }
        return await MarkAsync(eventId, registrationId, cancellationToken);
    }

    // The door's search by name: what the door needs (name, organisation, status, arrival), nobody cancelled.
    public async Task<Result<IReadOnlyList<DoorEntry>>> SearchAsync(string eventId, string? doorKey, string? search, CancellationToken cancellationToken = default)
    {
        var evt = EventRules.IsValidEventId(eventId) ? await store.GetEventAsync(eventId, cancellationToken) : null;
        if (evt is null || !IsDoorKeyValid(evt, doorKey))
        {
            return InvalidDoor<IReadOnlyList<DoorEntry>>();
        }
        var terms = (search ?? "").Trim();
        if (terms.Length is < 2 or > 100)
        {
            return new ValidationErrors().Add("q", "Tapez au moins deux lettres du nom ou du prénom.");
        }
        var found = (await store.ListRegistrationsAsync(eventId, cancellationToken))
            .Where(r => r.Status != RegistrationStatus.Cancelled && NameMatches(r, terms))
            .OrderBy(r => r.LastName, StringComparer.Create(French, ignoreCase: true)).ThenBy(r => r.FirstName, StringComparer.Create(French, ignoreCase: true))
            .Take(MaxSearchResults)
            .Select(Entry)
            .ToList();
        return Result<IReadOnlyList<DoorEntry>>.Success(found);
    }

    private const int MaxSearchResults = 20;
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    // "chloe" finds "Chloé", "dupont" finds "Dupont-Martin".
    private static bool NameMatches(RegistrationEntity r, string terms) =>
        terms.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(term =>
            French.CompareInfo.IndexOf($"{r.FirstName} {r.LastName}", term, CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace) >= 0);

    private async Task<Result<CheckinAnswer>> CheckInByCodeAsync(string eventId, string code, CancellationToken cancellationToken)
    {
        var matches = (await store.ListRegistrationsAsync(eventId, cancellationToken))
            .Where(r => r.Status != RegistrationStatus.Cancelled && tokens.EntryCode(eventId, r.RegistrationId) == code)
            .ToList();
        return matches.Count switch
        {
            0 => new ValidationErrors().Add("token", $"Aucune inscription n'a le code {code} pour cet événement\u00A0: vérifiez-le, ou cherchez la personne par son nom."),
            1 => await MarkAsync(eventId, matches[0].RegistrationId, cancellationToken),
            _ => Result<CheckinAnswer>.Conflict($"Plusieurs inscriptions ont le code {code}\u00A0: cherchez la personne par son nom."),
        };
    }

    // From the staff's list of registrations.
    public async Task<Result<CheckinAnswer>> CheckInByStaffAsync(string eventId, string registrationId, CancellationToken cancellationToken = default)
    {
        var evt = EventRules.IsValidEventId(eventId) ? await store.GetEventAsync(eventId, cancellationToken) : null;
        if (evt is null || !RegistrationStore.IsSafeId(registrationId))
        {
            return Result<CheckinAnswer>.NotFound("Cette inscription n'existe pas.");
        }
        return OutsideWindow(evt) is { } closed ? Result<CheckinAnswer>.Conflict(closed) : await MarkAsync(eventId, registrationId, cancellationToken);
    }

    // A wrong person checked in, a code scanned by mistake: the arrival is forgotten (idempotent).
    public async Task<Result<DoorEntry>> UndoAsync(string eventId, UndoCheckinInput? input, CancellationToken cancellationToken = default)
    {
        var evt = EventRules.IsValidEventId(eventId) ? await store.GetEventAsync(eventId, cancellationToken) : null;
        if (evt is null || !IsDoorKeyValid(evt, input?.DoorKey))
        {
            return InvalidDoor<DoorEntry>();
        }
        return await UndoByStaffAsync(eventId, input?.RegistrationId ?? "", cancellationToken);
    }

    public async Task<Result<DoorEntry>> UndoByStaffAsync(string eventId, string registrationId, CancellationToken cancellationToken = default)
    {
        if (!EventRules.IsValidEventId(eventId) || !RegistrationStore.IsSafeId(registrationId))
        {
            return Result<DoorEntry>.NotFound("Cette inscription n'existe pas.");
        }
        var table = await store.TableAsync(cancellationToken);
        while (true)
        {
            var reg = await store.GetRegistrationAsync(eventId, registrationId, cancellationToken);
            if (reg is null)
            {
                return Result<DoorEntry>.NotFound("Cette inscription n'existe plus.");
            }
            if (reg.CheckedInAt is null)
            {
                return Result<DoorEntry>.Success(Entry(reg));
            }
            reg.CheckedInAt = null;
            try
            {
                await table.UpdateEntityAsync(reg, reg.ETag, TableUpdateMode.Replace, cancellationToken);
                logger.LogInformation("Check-in of {RegistrationId} at {EventId} undone", registrationId, eventId);
                return Result<DoorEntry>.Success(Entry(reg));
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
            }
        }
    }

    public static DoorEntry Entry(RegistrationEntity reg)
    {
        ArgumentNullException.ThrowIfNull(reg);
        return new(reg.RegistrationId, reg.FirstName, reg.LastName, reg.Organisation, reg.Status, reg.CheckedInAt);
    }

    // The window in which the door records arrivals, or why it is closed now.
    private string? OutsideWindow(EventEntity evt)
    {
        if (evt.CancelledAt is not null)
        {
            return "Cet événement est annulé : aucune arrivée n'est enregistrée.";
        }
        var now = time.GetUtcNow();
        var margin = options.Value.CheckinMargin;
        if (now < evt.StartsAt - margin)
        {
            return $"L'accueil n'est pas encore ouvert\u00A0: les arrivées sont enregistrées à partir du {EventRules.FormatParis(evt.StartsAt - margin)}. Rien n'a été enregistré.";
        }
        return now > evt.EndsAt + margin
            ? $"L'accueil de cet événement est fermé depuis le {EventRules.FormatParis(evt.EndsAt + margin)}. Rien n'a été enregistré."
            : null;
    }

    private async Task<Result<CheckinAnswer>> MarkAsync(string eventId, string registrationId, CancellationToken cancellationToken)
    {
        var table = await store.TableAsync(cancellationToken);
        while (true)
        {
            var reg = await store.GetRegistrationAsync(eventId, registrationId, cancellationToken);
            if (reg is null)
            {
                return Result<CheckinAnswer>.NotFound("Cette inscription n'existe plus.");
            }
            if (reg.Status != RegistrationStatus.Confirmed)
            {
                return Result<CheckinAnswer>.Conflict($"{reg.FirstName} {reg.LastName} n'a pas de place confirmée ({RegistrationReports.StatusLabel(reg.Status)}).");
            }
            if (reg.CheckedInAt is { } at)
            {
                return Result<CheckinAnswer>.Success(new CheckinAnswer(reg.RegistrationId, reg.FirstName, reg.LastName, reg.Organisation, true, at));
            }
            reg.CheckedInAt = time.GetUtcNow();
            try
            {
                await table.UpdateEntityAsync(reg, reg.ETag, TableUpdateMode.Replace, cancellationToken);
                logger.LogInformation("Checked in {RegistrationId} at {EventId}", registrationId, eventId);
                return Result<CheckinAnswer>.Success(new CheckinAnswer(reg.RegistrationId, reg.FirstName, reg.LastName, reg.Organisation, false, reg.CheckedInAt.Value));
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Two phones scanned at once, or a cancellation meanwhile: read again.
            }
        }
    }

    private static Result<T> InvalidDoor<T>() => Result<T>.NotFound("Ce lien d'accueil n'est pas (ou plus) valide : demandez le lien à jour à l'équipe.");

    private string DoorKey(string eventId, int version) =>
        version.ToString(CultureInfo.InvariantCulture) + "." + tokens.Sign(RegistrationTokens.Door, eventId, version.ToString(CultureInfo.InvariantCulture));

    private bool IsDoorKeyValid(EventEntity evt, string? doorKey)
    {
        var parts = (doorKey ?? "").Split('.');
        return parts.Length == 2 && parts[0] == evt.CheckinLinkVersion.ToString(CultureInfo.InvariantCulture)
            && tokens.Verify(RegistrationTokens.Door, evt.EventId, parts[0], parts[1]);
    }
}
