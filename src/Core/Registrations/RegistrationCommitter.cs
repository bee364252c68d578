using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;

namespace Microstructures.Core.Registrations;

// What the committer answers a request: its seat or waitlist place (Position when waitlisted), the
// registration its address already has, or a refusal (the window closed, the event vanished).
internal abstract record CommitAnswer;

internal sealed record Taken(int? Position) : CommitAnswer;

internal sealed record AlreadyThere(RegistrationEntity Existing) : CommitAnswer;

internal sealed record Refused(Result<RegistrationOutcome> Result) : CommitAnswer;

// The only code on a registration's critical path in the opening rush: group commit.
//
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
// A request is validated against the event's definition (EventCatalogue caches it for two seconds;
// the committer checks the window again against the row it commits under) and joins its event's
// queue; it does no storage call of its own. One committer at a time per event (started by the
// request that finds none running; it stops when the queue is empty) takes up to 33 of them: it
// queues their relay message, reads the event row (or reuses the one its last transaction returned),
// assigns statuses in arrival order (seats first, then waitlist sequence numbers), commits them in ONE
// transaction and answers each request; the next batch's relay message is queued while this
// transaction runs. Why it is safe:
// - the event row's ETag is still the only cross-instance guarantee: the batch replaces it under the
//   ETag it read, so a batch built on stale counters fails whole (412) and is rebuilt from a fresh read;
// - one transaction is all-or-nothing: no batch can leave a seat without its registration, uniqueness
//   row or waitlist row, nor counters that disagree with the rows;
// - within an instance the queue is FIFO, so arrival order is kept (across instances the order is
//   whoever commits first);
// - a 409 does not say which item conflicted: nothing was written; the committer looks up the batch's
//   addresses, answers those registered already with their existing registration and commits the
//   rest from a fresh read;
// - an address twice in one batch (a double click) would put one uniqueness row twice in a
//   transaction, which Azure rejects whole: the repeat waits for the next batch and meets the row;
// - a failing batch fails only its own callers; the committer goes on with the next batch. The commit
//   is not cancelled with a caller's request: the other items of its batch depend on it.
// The committer holds the event's lock (EventLocks) for each batch, so cancellations, promotions and
// capacity edits in this process queue behind it instead of burning attempts on 412s.
public sealed class RegistrationCommitter(RegistrationStore store, RegistrationEmailRelay relay, EventLocks locks, TimeProvider time, ILogger<RegistrationCommitter> logger)
{
    private const int MaxAttempts = 100;

    // 1 event row + 33 registrations x at most 3 rows (registration, e-mail uniqueness, waitlist)
    // = 100, Azure's limit of entities per transaction (SubmitAsync checks it).
    private const int MaxRegistrationsPerBatch = 33;

    private readonly ConcurrentDictionary<string, CommitQueue> _queues = new(StringComparer.Ordinal);

    // Queues the registration for its event's committer, which commits it in a batch with whoever else
    // is waiting, and answers what became of it.
    internal Task<CommitAnswer> CommitAsync(RegistrationEntity reg, RegistrationSource source, DateTimeOffset now)
    {
        var item = new PendingRegistration(reg, source, now);
        Enqueue(reg.EventId, _queues.GetOrAdd(reg.EventId, _ => new CommitQueue()), item);
        return item.Done.Task;
    }

    // A registration waiting for its event's committer, and what became of it.
    private sealed class PendingRegistration(RegistrationEntity reg, RegistrationSource source, DateTimeOffset now)
    {
        public RegistrationEntity Reg { get; } = reg;
        public RegistrationSource Source { get; } = source;
        public DateTimeOffset Now { get; } = now;
        public TaskCompletionSource<CommitAnswer> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

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
                using (await locks.LockAsync(eventId, CancellationToken.None))
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
                if (RegistrationWindow.Refusal(evt, item.Source, now) is { } refusal)
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
                actions.Add(new(TableTransactionActionType.Add, RegistrationStore.EmailIndexRow(eventId, item.Reg.Email, item.Reg.RegistrationId)));
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
    private static int? AssignStatus(EventEntity evt, RegistrationEntity reg, RegistrationStatus status, DateTimeOffset now, List<TableTransactionAction> actions)
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
        actions.Add(new(TableTransactionActionType.Add, RegistrationStore.WaitRow(evt.EventId, reg.WaitSequence.Value, reg.RegistrationId)));
        return ++evt.Waiting;
    }
}
