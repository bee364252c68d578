using System.Collections.Concurrent;
using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

public sealed record RegistrationView(EventSummary Event, string RegistrationId, string FirstName, string LastName, string Email, string Status, int? WaitlistPosition, DateTimeOffset? CheckedInAt);

// Seats never overbook. The event row carries the counters (Confirmed, Waiting, NextWaitSequence)
// and every change of a seat is an entity-group transaction in the event's partition:
//   [event row replaced under the ETag we read] + per registration: [registration row added]
//   + [e-mail uniqueness row added] + [waitlist row added, when waitlisted]
// Two writers that read the same counters cannot both commit: the second gets 412 and starts again
// from a fresh read. A crash before the commit leaves nothing; a crash after it leaves the seat, and
// its first e-mail is owed by a relay message queued BEFORE the transaction (RegistrationEmailRelay:
// the registration row is the commit marker). A repeated request meets the uniqueness row (409) and
// is answered with the existing registration. The waitlist is FIFO because sequence numbers come from
// the same counter row and promotion takes the lowest "wait-" row key.
//
// Group commit, and nothing else on a registration's critical path. A request is validated against
// the event's definition (cached for two seconds; the committer checks the window again against the
// row it commits under) and joins its event's queue; it does no storage call of its own. One
// committer at a time per event (started by the request that finds none running; it stops when the
// queue is empty) takes up to 33 of them: it queues their relay message, reads the event row (or
// reuses the one its last transaction returned), assigns statuses in arrival order (seats first,
// then waitlist sequence numbers), commits them in ONE transaction and answers each request; the
// next batch's relay message is queued while this transaction runs. Why it is safe:
// - the event row's ETag is still the only cross-instance guarantee: the batch replaces it under the
//   ETag it read, so a batch built on stale counters fails whole (412) and is rebuilt from a fresh read;
// - one transaction is all-or-nothing: no batch can leave a seat without its registration, uniqueness
//   row or waitlist row, nor counters that disagree with the rows;
// - within an instance the queue is FIFO, so arrival order is kept (across instances the order is
//   whoever commits first);
// - a 409 does not say which item conflicted: nothing was written; the committer looks up the batch's
//   addresses, answers those registered already with their existing registration (their request then
//   re-sends its confirmation) and commits the rest from a fresh read;
// - an address twice in one batch (a double click) would put one uniqueness row twice in a
//   transaction, which Azure rejects whole: the repeat waits for the next batch and meets the row;
// - a failing batch fails only its own callers; the committer goes on with the next batch. The commit
//   is not cancelled with a caller's request: the other items of its batch depend on it.
// The committer holds the per-event semaphore for each batch, so cancellations, promotions and
// capacity edits in this process queue behind it instead of burning attempts on 412s.
public sealed class RegistrationService(
    RegistrationStore store, EmailOutbox outbox, RegistrationEmails emails, RegistrationEmailRelay relay, TimeProvider time, ILogger<RegistrationService> logger,
    PlatformMetrics metrics)
{
    private const int MaxAttempts = 100;
    private const int MaxPromotionsPerBatch = 25;

    // 1 event row + 33 registrations x at most 3 rows (registration, e-mail uniqueness, waitlist)
    // = 100, Azure's limit of entities per transaction (SubmitAsync checks it).
    private const int MaxRegistrationsPerBatch = 33;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CommitQueue> _queues = new(StringComparer.Ordinal);

    // See GetDefinitionAsync.
    private static readonly TimeSpan DefinitionLifetime = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, (EventEntity Event, long ReadAt)> _definitions = new(StringComparer.Ordinal);

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
        _definitions.TryRemove(eventId, out _);
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
        var evt = EventRules.IsValidEventId(eventId) ? await GetDefinitionAsync(eventId, cancellationToken) : null;
        if (evt is null)
        {
            return Result<RegistrationOutcome>.NotFound("Cet événement n'existe pas.");
        }
        var validation = RegistrationRules.Validate(input, evt.ExtraQuestions);
        if (!validation.IsSuccess)
        {
            return Result<RegistrationOutcome>.Invalid(validation.Errors);
        }
        var now = time.GetUtcNow();
        if (Refusal(evt, source, now) is { } refused)
        {
            return refused;
        }

        // Queued for this event's committer, which commits it in a batch with whoever else is waiting.
        // The commit itself is not cancelled with this request: the other items of its batch depend on it.
        var reg = NewRegistration(eventId, validation.Value!, source, now);
        var item = new PendingRegistration(reg, source, now);
        Enqueue(eventId, _queues.GetOrAdd(eventId, _ => new CommitQueue()), item);
        switch (await item.Done.Task)
        {
            case Taken taken:
                metrics.RegistrationTaken(reg.Status);
                logger.LogInformation("Registered {RegistrationId} for {EventId} as {Status}", reg.RegistrationId, eventId, reg.Status);
                return Result<RegistrationOutcome>.Success(new RegistrationOutcome(RegistrationOutcomeKind.Created, reg.RegistrationId, reg.Status, taken.Position,
                    emails.ManageLink(eventId, reg.RegistrationId).ToString()));
            case AlreadyThere there:
                return Result<RegistrationOutcome>.Success(await ResendAsync(evt, there.Existing, cancellationToken));
            case Refused no:
                return no.Result;
            default:
                throw new InvalidOperationException("Unknown commit answer.");
        }
    }

    // The registration window, checked on the request (against the cached definition) and again by the
    // committer (against the row it commits under).
    private static Result<RegistrationOutcome>? Refusal(EventEntity evt, string source, DateTimeOffset now)
    {
        if (source == "public" && now < evt.RegistrationOpensAt)
        {
            return Result<RegistrationOutcome>.Conflict($"Les inscriptions ouvriront le {EventRules.FormatParis(evt.RegistrationOpensAt)}.");
        }
        if (evt.PurgedAt is not null || (source == "public" && now >= evt.RegistrationClosesAt))
        {
            return Result<RegistrationOutcome>.Conflict("Les inscriptions sont closes.");
        }
        return null;
    }

    // The event as the request checks it (existence, window, extra questions), read at most every two
    // seconds per event and instance: in the opening rush, a thousand requests do not each read the
    // row the committer is rewriting. Nothing that counts seats comes from here. Saving the event in
    // this instance drops its entry; another instance sees a change within two seconds, and the
    // committer checks the window again against the row itself.
    private async Task<EventEntity?> GetDefinitionAsync(string eventId, CancellationToken cancellationToken)
    {
        if (_definitions.TryGetValue(eventId, out var cached) && Stopwatch.GetElapsedTime(cached.ReadAt) < DefinitionLifetime)
        {
            return cached.Event;
        }
        var evt = await store.GetEventAsync(eventId, cancellationToken);
        if (evt is not null)
        {
            _definitions[eventId] = (evt, Stopwatch.GetTimestamp());
        }
        return evt;
    }

    // A registration waiting for its event's committer, and what became of it.
    private sealed class PendingRegistration(RegistrationEntity reg, string source, DateTimeOffset now)
    {
        public RegistrationEntity Reg { get; } = reg;
        public string Source { get; } = source;
        public DateTimeOffset Now { get; } = now;
        public TaskCompletionSource<CommitAnswer> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    // What the committer answers a request: its seat or waitlist place (Position when waitlisted), the
    // registration its address already has, or a refusal (the window closed, the event vanished).
    private abstract record CommitAnswer;

    private sealed record Taken(int? Position) : CommitAnswer;

    private sealed record AlreadyThere(RegistrationEntity Existing) : CommitAnswer;

    private sealed record Refused(Result<RegistrationOutcome> Result) : CommitAnswer;

    private sealed class CommitQueue
    {
        public readonly Queue<PendingRegistration> Items = new();
        public bool Draining;
        // The event row as the committer's last batch left it (counters and new ETag): the next batch
        // starts from it without reading again. Stale (another instance, a cancellation) → 412 → read.
        public EventEntity? Event;
    }

    private void Enqueue(string eventId, CommitQueue queue, PendingRegistration item)
    {
        lock (queue)
        {
            queue.Items.Enqueue(item);
            if (queue.Draining)
            {
                return; // the running committer takes it in its next batch
            }
            queue.Draining = true;
        }
        // This request found no committer running: it starts one, which drains the queue and stops
        // when the queue is empty (no thread lingers). Its own item is answered like the others.
        _ = Task.Run(() => DrainAsync(eventId, queue));
    }

    // Batches commit one after another; the relay message of the next batch is queued while the current
    // one commits (it only has to be queued before its OWN transaction), so a batch costs the longer of
    // the two storage calls instead of both.
    private async Task DrainAsync(string eventId, CommitQueue queue)
    {
        var batch = TakeBatch(queue, stopWhenEmpty: true);
        var relayed = batch is null ? null : ScheduleRelayAsync(eventId, batch);
        while (batch is not null)
        {
            List<PendingRegistration>? next = null;
            Task? nextRelayed = null;
            try
            {
                using (await LockAsync(eventId, CancellationToken.None))
                {
                    // Before any transaction: a committed registration always has its relay message.
                    await relayed!;
                    next = TakeBatch(queue, stopWhenEmpty: false);
                    nextRelayed = next is null ? null : ScheduleRelayAsync(eventId, next);
                    await CommitBatchAsync(eventId, queue, batch);
                }
            }
            catch (Exception ex)
            {
                queue.Event = null;
                // Only this batch fails (its callers see the exception); the next batch goes on.
                logger.LogError(ex, "Could not commit {Count} registrations for {EventId}", batch.Count, eventId);
                foreach (var item in batch)
                {
                    item.Done.TrySetException(ex);
                }
            }
            (batch, relayed) = next is not null ? (next, nextRelayed) : (TakeBatch(queue, stopWhenEmpty: true), null);
            relayed ??= batch is null ? null : ScheduleRelayAsync(eventId, batch);
        }
    }

    // Up to MaxRegistrationsPerBatch waiting registrations, in arrival order; null when none wait (and
    // then, with stopWhenEmpty, the committer stops: the next request starts a new one).
    private static List<PendingRegistration>? TakeBatch(CommitQueue queue, bool stopWhenEmpty)
    {
        var batch = new List<PendingRegistration>(MaxRegistrationsPerBatch);
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        lock (queue)
        {
            // An address already in this batch stops it there: the repeat leads the next batch and
            // meets the first one's uniqueness row (a row may appear only once in a transaction).
            while (batch.Count < MaxRegistrationsPerBatch && queue.Items.TryPeek(out var next) && addresses.Add(next.Reg.Email))
            {
                batch.Add(queue.Items.Dequeue());
            }
            if (batch.Count > 0)
            {
                return batch;
            }
            if (stopWhenEmpty)
            {
                queue.Draining = false;
            }
            return null;
        }
    }

    private Task ScheduleRelayAsync(string eventId, List<PendingRegistration> batch) =>
        relay.ScheduleAsync(eventId, batch.Select(item => item.Reg.RegistrationId).ToList());

    private async Task CommitBatchAsync(string eventId, CommitQueue queue, List<PendingRegistration> batch)
    {
        for (var attempt = 1; batch.Count > 0; attempt++)
        {
            var evt = queue.Event ?? await store.GetEventAsync(eventId);
            queue.Event = null;
            if (evt is null)
            {
                Answer(batch, _ => new Refused(Result<RegistrationOutcome>.NotFound("Cet événement n'existe pas.")));
                return;
            }
            var now = time.GetUtcNow();
            foreach (var item in batch.ToList())
            {
                if (Refusal(evt, item.Source, now) is { } refusal)
                {
                    item.Done.TrySetResult(new Refused(refusal));
                    batch.Remove(item);
                }
            }
            if (batch.Count == 0)
            {
                queue.Event = evt; // unchanged: still good for the next batch
                return;
            }
            // The event row first: a writer with stale counters fails on it (412), before any other row.
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, evt, evt.ETag) };
            var answers = new Dictionary<PendingRegistration, CommitAnswer>();
            foreach (var item in batch)
            {
                // Statuses in arrival order: seats first, then waitlist sequence numbers.
                var status = evt.SeatsLeft > 0 ? RegistrationStatus.Confirmed : RegistrationStatus.Waitlisted;
                answers[item] = new Taken(AssignStatus(evt, item.Reg, status, item.Now, actions));
                actions.Add(new(TableTransactionActionType.Add, item.Reg));
                actions.Add(new(TableTransactionActionType.Add, EmailIndexRow(eventId, item.Reg.Email, item.Reg.RegistrationId)));
            }
            try
            {
                var responses = await store.SubmitAsync(eventId, actions);
                if (responses.Count == actions.Count && responses[0].Headers.ETag is { } etag)
                {
                    evt.ETag = etag;
                    queue.Event = evt;
                }
                Answer(batch, item => answers[item]);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
                // Another writer changed the counters: read again, the whole batch.
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409 && attempt < MaxAttempts)
            {
                // Some address registered already (a retried request, another instance) and nothing was
                // written: those are answered with their registration, the rest go again from a fresh read.
                // None found: another instance took one of our waitlist numbers; a fresh read sorts it out.
                var existing = await Task.WhenAll(batch.Select(item => store.FindByEmailAsync(eventId, item.Reg.Email)));
                for (var i = existing.Length - 1; i >= 0; i--)
                {
                    if (existing[i] is { } registered)
                    {
                        batch[i].Done.TrySetResult(new AlreadyThere(registered));
                        batch.RemoveAt(i);
                    }
                }
                logger.LogInformation("Batch for {EventId} conflicted: {Found} addresses registered already, {Left} committed again", eventId, existing.Count(e => e is not null), batch.Count);
            }
        }
    }

    private static void Answer(List<PendingRegistration> batch, Func<PendingRegistration, CommitAnswer> answer)
    {
        foreach (var item in batch)
        {
            item.Done.TrySetResult(answer(item));
        }
    }

    // Sets the registration's status fields and the event counters; adds the waitlist row when
    // waitlisted. Returns the waitlist position (null when confirmed).
    private static int? AssignStatus(EventEntity evt, RegistrationEntity reg, string status, DateTimeOffset now, List<TableTransactionAction> actions)
    {
        reg.Status = status;
        reg.FirstStatus = status;
        if (status == RegistrationStatus.Confirmed)
        {
            reg.ConfirmedAt = now;
            reg.WaitSequence = null;
            evt.Confirmed++;
            return null;
        }
        reg.ConfirmedAt = null;
        reg.WaitSequence = ++evt.NextWaitSequence;
        actions.Add(new(TableTransactionActionType.Add, WaitRow(evt.EventId, reg.WaitSequence.Value, reg.RegistrationId)));
        return ++evt.Waiting;
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
