using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

public sealed record RegistrationView(EventSummary Event, string RegistrationId, string FirstName, string LastName, string Email, string Status, int? WaitlistPosition, DateTimeOffset? CheckedInAt);

// Seats never overbook. The event row carries the counters (Confirmed, Waiting, NextWaitSequence)
// and every change of a seat is ONE entity-group transaction in the event's partition:
//   [event row replaced under the ETag we read] + [registration row added/updated]
//   + [e-mail uniqueness row added/deleted] + [waitlist row added/deleted] + [e-mail commit marker]
// Two writers that read the same counters cannot both commit: the second gets 412 and starts again
// from a fresh read. A crash before the commit leaves nothing (no seat, the e-mail abandoned by the
// sweeper); a crash after it leaves the seat AND its e-mail marker (the sweeper sends it). A retried
// request meets the uniqueness row (409) and is answered with the existing registration. The
// waitlist is FIFO because sequence numbers come from the same counter row and promotion takes the
// lowest "wait-" row key. In one process, a per-event semaphore queues writers so they do not burn
// attempts on 412s; across instances the ETag alone is the guarantee.
public sealed class RegistrationService(RegistrationStore store, EmailOutbox outbox, RegistrationEmails emails, TimeProvider time, ILogger<RegistrationService> logger)
{
    private const int MaxAttempts = 100;
    private const int MaxPromotionsPerBatch = 25;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<Result<EventSummary>> PutEventAsync(string eventId, EventInput? input, CancellationToken cancellationToken = default)
    {
        var validation = EventRules.Validate(eventId, input);
        if (!validation.IsSuccess)
        {
            return Result<EventSummary>.Invalid(validation.Errors);
        }
        var valid = validation.Value!;
        EventEntity saved;
        using (await LockAsync(eventId, cancellationToken))
        {
            var table = await store.TableAsync(cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                var evt = await store.GetEventAsync(eventId, cancellationToken);
                if (evt is not null && valid.Capacity < evt.Confirmed)
                {
                    return Result<EventSummary>.Conflict($"La capacité ne peut pas descendre sous le nombre d'inscriptions confirmées ({evt.Confirmed}).");
                }
                try
                {
                    if (evt is null)
                    {
                        evt = new EventEntity { PartitionKey = eventId };
                        evt.Apply(valid);
                        await table.AddEntityAsync(evt, cancellationToken);
                    }
                    else
                    {
                        evt.Apply(valid);
                        await table.UpdateEntityAsync(evt, evt.ETag, TableUpdateMode.Replace, cancellationToken);
                    }
                    saved = evt;
                    break;
                }
                catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
                {
                }
            }
        }
        await store.IndexEventAsync(eventId, cancellationToken);
        logger.LogInformation("Saved event {EventId} with capacity {Capacity}", eventId, saved.Capacity);
        // A raised capacity promotes waitlisted people at once.
        await PromoteAsync(eventId, cancellationToken);
        var current = await store.GetEventAsync(eventId, cancellationToken) ?? saved;
        return Result<EventSummary>.Success(EventSummary.From(current, time.GetUtcNow()));
    }

    public async Task<Result<EventSummary>> GetSummaryAsync(string eventId, CancellationToken cancellationToken = default) =>
        EventRules.IsValidEventId(eventId) && await store.GetEventAsync(eventId, cancellationToken) is { } evt
            ? Result<EventSummary>.Success(EventSummary.From(evt, time.GetUtcNow()))
            : Result<EventSummary>.NotFound("Cet événement n'existe pas.");

    // source: "public" for the form and the API (registration window enforced), "staff" for the
    // organisers registering someone on their behalf (allowed outside the window).
    public async Task<Result<RegistrationOutcome>> RegisterAsync(string eventId, RegistrationInput? input, string source = "public", CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrEmpty(input?.Website))
        {
            logger.LogWarning("Discarded a registration for {EventId}: honeypot filled", eventId);
            return Result<RegistrationOutcome>.Success(RegistrationOutcome.Discarded);
        }
        var evt = EventRules.IsValidEventId(eventId) ? await store.GetEventAsync(eventId, cancellationToken) : null;
        if (evt is null)
        {
            return Result<RegistrationOutcome>.NotFound("Cet événement n'existe pas.");
        }
        var validation = RegistrationRules.Validate(input, evt.ExtraQuestions);
        if (!validation.IsSuccess)
        {
            return Result<RegistrationOutcome>.Invalid(validation.Errors);
        }
        var valid = validation.Value!;
        var now = time.GetUtcNow();
        if (source == "public" && now < evt.RegistrationOpensAt)
        {
            return Result<RegistrationOutcome>.Conflict($"Les inscriptions ouvriront le {EventRules.FormatParis(evt.RegistrationOpensAt)}.");
        }
        if (evt.PurgedAt is not null || (source == "public" && now >= evt.RegistrationClosesAt))
        {
            return Result<RegistrationOutcome>.Conflict("Les inscriptions sont closes.");
        }
        if (await store.FindByEmailAsync(eventId, valid.Email, cancellationToken) is { } existing)
        {
            return Result<RegistrationOutcome>.Success(await ResendAsync(evt, existing, cancellationToken));
        }

        var reg = NewRegistration(eventId, valid, source, now);
        // Prepared before taking the lock, for the outcome the counters suggest now; prepared again
        // inside only if the outcome changed meanwhile. Ids are per registration and outcome: the
        // variant that never commits has no marker and is abandoned by the sweeper.
        var prepared = new Dictionary<string, string>(StringComparer.Ordinal);
        var speculated = evt.SeatsLeft > 0 ? RegistrationStatus.Confirmed : RegistrationStatus.Waitlisted;
        prepared[speculated] = await PrepareFirstEmailAsync(evt, reg, speculated, cancellationToken);

        int? position = null;
        string emailId;
        using (await LockAsync(eventId, cancellationToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                evt = await store.GetEventAsync(eventId, cancellationToken) ?? throw new InvalidOperationException($"Event {eventId} vanished.");
                var status = evt.SeatsLeft > 0 ? RegistrationStatus.Confirmed : RegistrationStatus.Waitlisted;
                if (!prepared.TryGetValue(status, out emailId!))
                {
                    emailId = prepared[status] = await PrepareFirstEmailAsync(evt, reg, status, cancellationToken);
                }
                reg.Status = status;
                // The event row first: a writer with stale counters fails on it (412), before any other row.
                var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, evt, evt.ETag) };
                if (status == RegistrationStatus.Confirmed)
                {
                    reg.ConfirmedAt = now;
                    reg.WaitSequence = null;
                    evt.Confirmed++;
                    position = null;
                }
                else
                {
                    reg.ConfirmedAt = null;
                    reg.WaitSequence = ++evt.NextWaitSequence;
                    position = ++evt.Waiting;
                    actions.Add(new(TableTransactionActionType.Add, WaitRow(eventId, reg.WaitSequence.Value, reg.RegistrationId)));
                }
                actions.Add(new(TableTransactionActionType.Add, reg));
                actions.Add(new(TableTransactionActionType.Add, EmailIndexRow(eventId, reg.Email, reg.RegistrationId)));
                actions.Add(new(TableTransactionActionType.Add, RegistrationStore.Marker(eventId, emailId).NewEntity()));
                try
                {
                    await store.SubmitAsync(eventId, actions, cancellationToken);
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
                {
                    // Someone else changed the counters since we read them: read again.
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 409)
                {
                    // The same address registered meanwhile (a double click, a retried request)...
                    if (await store.FindByEmailAsync(eventId, reg.Email, cancellationToken) is { } winner)
                    {
                        return Result<RegistrationOutcome>.Success(await ResendAsync(evt, winner, cancellationToken));
                    }
                    // ...or another instance took the same waitlist sequence number: read again.
                    if (attempt >= MaxAttempts)
                    {
                        throw;
                    }
                }
            }
        }
        logger.LogInformation("Registered {RegistrationId} for {EventId} as {Status}", reg.RegistrationId, eventId, reg.Status);
        await outbox.DispatchAsync(emailId, cancellationToken);
        return Result<RegistrationOutcome>.Success(new RegistrationOutcome(RegistrationOutcomeKind.Created, reg.RegistrationId, reg.Status, position,
            emails.ManageLink(eventId, reg.RegistrationId).ToString()));
    }

    public async Task<Result<RegistrationView>> GetForManageAsync(string eventId, string registrationId, string? token, CancellationToken cancellationToken = default)
    {
        if (!EventRules.IsValidEventId(eventId) || !RegistrationStore.IsSafeId(registrationId)
            || !emails.VerifyManageToken(eventId, registrationId, token))
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
        return Result<RegistrationView>.Success(new RegistrationView(EventSummary.From(evt, time.GetUtcNow()), reg.RegistrationId, reg.FirstName, reg.LastName, reg.Email, reg.Status, position, reg.CheckedInAt));
    }

    // Attendance certificate: only for someone checked in at the door, once the event has begun.
    public async Task<Result<RegistrationView>> GetCertificateAsync(string eventId, string registrationId, string? token, CancellationToken cancellationToken = default)
    {
        var view = await GetForManageAsync(eventId, registrationId, token, cancellationToken);
        if (view.IsSuccess && (view.Value!.CheckedInAt is null || time.GetUtcNow() < view.Value.Event.StartsAt))
        {
            return Result<RegistrationView>.Conflict("L'attestation de présence est disponible après votre passage à l'accueil, le jour de l'événement.");
        }
        return view;
    }

    public async Task<Result<RegistrationView>> SendCertificateAsync(string eventId, string registrationId, string? token, CancellationToken cancellationToken = default)
    {
        var view = await GetCertificateAsync(eventId, registrationId, token, cancellationToken);
        if (view.IsSuccess && await store.GetEventAsync(eventId, cancellationToken) is { } evt && await store.GetRegistrationAsync(eventId, registrationId, cancellationToken) is { } reg)
        {
            await outbox.SendAsync(emails.CertificateLink(evt, reg), cancellationToken: cancellationToken);
        }
        return view;
    }

    public async Task<Result<RegistrationView>> CancelWithTokenAsync(string eventId, string registrationId, string? token, CancellationToken cancellationToken = default)
    {
        var check = await GetForManageAsync(eventId, registrationId, token, cancellationToken);
        return check.IsSuccess ? await CancelAsync(eventId, registrationId, cancellationToken) : check;
    }

    // Frees the seat (or the waitlist place) and, in the same transaction, promotes the head of the
    // waitlist into every seat now free: a crash can never leave a free seat with people waiting.
    public async Task<Result<RegistrationView>> CancelAsync(string eventId, string registrationId, CancellationToken cancellationToken = default)
    {
        if (!EventRules.IsValidEventId(eventId) || !RegistrationStore.IsSafeId(registrationId))
        {
            return Result<RegistrationView>.NotFound("Cette inscription n'existe pas.");
        }
        var emailIds = new List<string>();
        using (await LockAsync(eventId, cancellationToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                emailIds.Clear();
                var evt = await store.GetEventAsync(eventId, cancellationToken);
                var reg = evt is null ? null : await store.GetRegistrationAsync(eventId, registrationId, cancellationToken);
                if (evt is null || reg is null)
                {
                    return Result<RegistrationView>.NotFound("Cette inscription n'existe plus.");
                }
                if (reg.Status == RegistrationStatus.Cancelled)
                {
                    break;
                }
                var actions = new List<TableTransactionAction>();
                if (reg.Status == RegistrationStatus.Waitlisted && reg.WaitSequence is { } seq)
                {
                    actions.Add(new(TableTransactionActionType.Delete, new TableEntity(eventId, RegistrationStore.WaitRowKey(seq)), ETag.All));
                    evt.Waiting--;
                }
                else
                {
                    evt.Confirmed--;
                }
                evt.Cancelled++;
                reg.Status = RegistrationStatus.Cancelled;
                reg.CancelledAt = time.GetUtcNow();
                actions.Add(new(TableTransactionActionType.UpdateReplace, reg, reg.ETag));
                // The address may register again later.
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(eventId, RegistrationStore.EmailRowKey(reg.Email)), ETag.All));
                var cancelledEmailId = $"reg-{reg.RegistrationId}-cancelled-{Guid.NewGuid():N}";
                var marker = RegistrationStore.Marker(eventId, cancelledEmailId);
                await outbox.PrepareAsync(emails.Cancelled(evt, reg), marker, cancelledEmailId, cancellationToken);
                actions.Add(new(TableTransactionActionType.Add, marker.NewEntity()));
                emailIds.Add(cancelledEmailId);
                await AddPromotionsAsync(evt, actions, emailIds, cancellationToken, exclude: registrationId);
                actions.Add(new(TableTransactionActionType.UpdateReplace, evt, evt.ETag));
                try
                {
                    await store.SubmitAsync(eventId, actions, cancellationToken);
                    logger.LogInformation("Cancelled {RegistrationId} for {EventId}; {Promoted} promoted", registrationId, eventId, emailIds.Count - 1);
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404 && attempt < MaxAttempts)
                {
                }
            }
        }
        await outbox.DispatchAsync(emailIds, cancellationToken);
        // More waitlisted people than one batch holds: the rest in further transactions.
        await PromoteAsync(eventId, cancellationToken);
        return await GetViewAsync(eventId, registrationId, cancellationToken);
    }

    // Staff correction on someone's behalf. The seat is untouched; a changed address moves its
    // uniqueness row in the same transaction (409 when the new address is registered already).
    public async Task<Result<RegistrationView>> EditAsync(string eventId, string registrationId, RegistrationInput? input, CancellationToken cancellationToken = default)
    {
        var evt = EventRules.IsValidEventId(eventId) && RegistrationStore.IsSafeId(registrationId) ? await store.GetEventAsync(eventId, cancellationToken) : null;
        if (evt is null)
        {
            return Result<RegistrationView>.NotFound("Cette inscription n'existe pas.");
        }
        var validation = RegistrationRules.Validate(input, evt.ExtraQuestions);
        if (!validation.IsSuccess)
        {
            return Result<RegistrationView>.Invalid(validation.Errors);
        }
        var valid = validation.Value!;
        for (var attempt = 1; ; attempt++)
        {
            var reg = await store.GetRegistrationAsync(eventId, registrationId, cancellationToken);
            if (reg is null || reg.Status == RegistrationStatus.Cancelled)
            {
                return Result<RegistrationView>.NotFound("Cette inscription n'existe pas ou est annulée.");
            }
            var actions = new List<TableTransactionAction>();
            if (reg.Email != valid.Email)
            {
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(eventId, RegistrationStore.EmailRowKey(reg.Email)), ETag.All));
                actions.Add(new(TableTransactionActionType.Add, EmailIndexRow(eventId, valid.Email, registrationId)));
            }
            (reg.FirstName, reg.LastName, reg.Email, reg.Profession, reg.Organisation, reg.Region, reg.AccessibilityNeeds, reg.NewsletterOptIn) =
                (valid.FirstName, valid.LastName, valid.Email, valid.Profession, valid.Organisation, valid.Region, valid.AccessibilityNeeds, valid.NewsletterOptIn);
            reg.AnswersJson = AnswersJson(valid);
            actions.Add(new(TableTransactionActionType.UpdateReplace, reg, reg.ETag));
            try
            {
                await store.SubmitAsync(eventId, actions, cancellationToken);
                logger.LogInformation("Edited {RegistrationId} for {EventId} on the registrant's behalf", registrationId, eventId);
                return await GetViewAsync(eventId, registrationId, cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                return Result<RegistrationView>.Conflict("Cette adresse e-mail est déjà inscrite à cet événement.");
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
            }
        }
    }

    // Fills free seats from the waitlist, first come first served. Safe to call any time (after a
    // capacity raise, from a timer as a catch-up): it does nothing when no seat is free.
    public async Task<int> PromoteAsync(string eventId, CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            var emailIds = new List<string>();
            using (await LockAsync(eventId, cancellationToken))
            {
                for (var attempt = 1; ; attempt++)
                {
                    emailIds.Clear();
                    var evt = await store.GetEventAsync(eventId, cancellationToken);
                    if (evt is null || evt.SeatsLeft == 0 || evt.Waiting == 0)
                    {
                        break;
                    }
                    var actions = new List<TableTransactionAction>();
                    await AddPromotionsAsync(evt, actions, emailIds, cancellationToken);
                    if (actions.Count == 0)
                    {
                        break;
                    }
                    actions.Add(new(TableTransactionActionType.UpdateReplace, evt, evt.ETag));
                    try
                    {
                        await store.SubmitAsync(eventId, actions, cancellationToken);
                        break;
                    }
                    catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404 && attempt < MaxAttempts)
                    {
                        emailIds.Clear();
                    }
                }
            }
            if (emailIds.Count == 0)
            {
                return total;
            }
            await outbox.DispatchAsync(emailIds, cancellationToken);
            total += emailIds.Count;
            logger.LogInformation("Promoted {Count} waitlisted registrations for {EventId}", emailIds.Count, eventId);
        }
    }

    // exclude: a waitlisted registration being cancelled in the same batch (its wait row is already
    // in the batch; an entity may appear only once in a transaction).
    private async Task AddPromotionsAsync(EventEntity evt, List<TableTransactionAction> actions, List<string> emailIds, CancellationToken cancellationToken, string? exclude = null)
    {
        var free = Math.Min(evt.SeatsLeft, MaxPromotionsPerBatch);
        if (free <= 0 || evt.Waiting <= 0)
        {
            return;
        }
        var promoted = 0;
        foreach (var (rowKey, registrationId) in await store.ListWaitingAsync(evt.EventId, free + 1, cancellationToken))
        {
            if (registrationId == exclude)
            {
                continue;
            }
            if (promoted++ == free)
            {
                break;
            }
            var next = await store.GetRegistrationAsync(evt.EventId, registrationId, cancellationToken);
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(evt.EventId, rowKey), ETag.All));
            evt.Waiting--;
            if (next is null || next.Status != RegistrationStatus.Waitlisted)
            {
                continue; // a stray index row: dropped, nobody to promote
            }
            next.Status = RegistrationStatus.Confirmed;
            next.ConfirmedAt = time.GetUtcNow();
            evt.Confirmed++;
            actions.Add(new(TableTransactionActionType.UpdateReplace, next, next.ETag));
            // A fresh id per attempt: an attempt that loses its race leaves a marker-less, abandoned e-mail.
            var emailId = $"reg-{next.RegistrationId}-promotion-{Guid.NewGuid():N}";
            await outbox.PrepareAsync(emails.Confirmation(evt, next, promoted: true), RegistrationStore.Marker(evt.EventId, emailId), emailId, cancellationToken);
            actions.Add(new(TableTransactionActionType.Add, RegistrationStore.Marker(evt.EventId, emailId).NewEntity()));
            emailIds.Add(emailId);
        }
    }

    private async Task<RegistrationOutcome> ResendAsync(EventEntity evt, RegistrationEntity existing, CancellationToken cancellationToken)
    {
        int? position = existing is { Status: RegistrationStatus.Waitlisted, WaitSequence: { } seq }
            ? await store.WaitlistPositionAsync(evt.EventId, seq, cancellationToken)
            : null;
        var message = existing.Status == RegistrationStatus.Confirmed ? emails.Confirmation(evt, existing, promoted: false) : emails.Waitlisted(evt, existing);
        await outbox.SendAsync(message, cancellationToken: cancellationToken);
        logger.LogInformation("Registration {RegistrationId} for {EventId} asked again: confirmation re-sent", existing.RegistrationId, evt.EventId);
        // No manage link in the answer: whoever typed this address may not own it. The link goes to
        // the address, in the e-mail sent again.
        return new RegistrationOutcome(RegistrationOutcomeKind.AlreadyRegistered, existing.RegistrationId, existing.Status, position, ManageUrl: null);
    }

    private async Task<string> PrepareFirstEmailAsync(EventEntity evt, RegistrationEntity reg, string status, CancellationToken cancellationToken)
    {
        var emailId = $"reg-{reg.RegistrationId}-{(status == RegistrationStatus.Confirmed ? "confirmation" : "waitlist")}";
        var message = status == RegistrationStatus.Confirmed ? emails.Confirmation(evt, reg, promoted: false) : emails.Waitlisted(evt, reg);
        return await outbox.PrepareAsync(message, RegistrationStore.Marker(evt.EventId, emailId), emailId, cancellationToken);
    }

    private static RegistrationEntity NewRegistration(string eventId, ValidRegistration valid, string source, DateTimeOffset now)
    {
        var id = Guid.NewGuid().ToString("N");
        return new RegistrationEntity
        {
            PartitionKey = eventId,
            RowKey = RegistrationStore.RegistrationRowKey(id),
            RegistrationId = id,
            FirstName = valid.FirstName,
            LastName = valid.LastName,
            Email = valid.Email,
            Profession = valid.Profession,
            Organisation = valid.Organisation,
            Region = valid.Region,
            AccessibilityNeeds = valid.AccessibilityNeeds,
            NewsletterOptIn = valid.NewsletterOptIn,
            AnswersJson = AnswersJson(valid),
            Source = source,
            CreatedAt = now,
        };
    }

    private static string? AnswersJson(ValidRegistration valid) =>
        valid.Answers.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(valid.Answers);

    private static TableEntity WaitRow(string eventId, long sequence, string registrationId) =>
        new(eventId, RegistrationStore.WaitRowKey(sequence)) { ["RegistrationId"] = registrationId };

    private static TableEntity EmailIndexRow(string eventId, string email, string registrationId) =>
        new(eventId, RegistrationStore.EmailRowKey(email)) { ["RegistrationId"] = registrationId };

    private async Task<IDisposable> LockAsync(string eventId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(eventId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
