using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Email;
using Microstructures.Core.Newsletter;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Registrations;

public sealed record RelayMessage(string EventId, IReadOnlyList<string> RegistrationIds, int Attempt = 1);

public sealed record RelayReport(int Relayed, int NotYetCommitted, int GivenUp);

// The first e-mail of a new registration (confirmation or waitlist acknowledgement), off the
// registration's critical path. Why not the outbox's prepare-then-commit: recording an e-mail costs
// four storage calls, and during the opening rush they were most of a registration's latency.
//
// How a registration's first e-mail can never be lost:
// 1. BEFORE its transaction, the committer queues one message for the whole batch on
//    `registration-emails`, invisible for `Registrations__EmailRelayDelay` (5 s by default): the
//    transaction has landed (or failed for good) by the time the message is seen. No transaction
//    runs without its relay message queued first.
// 2. The transaction writes the registration row with `FirstStatus` (what the first e-mail says):
//    the row is the commit marker. It exists only if the seat or waitlist place was taken.
// 3. This relay (queue function RelayRegistrationEmails) reads each registration: present → the
//    e-mail is recorded in the outbox under a deterministic id (`reg-<id>-confirmation|waitlist`;
//    recording twice is a no-op) and queued for SendEmail; absent → not committed yet, so it asks
//    again later, and after `MaxAttempts` concludes the transaction never happened (a duplicate
//    address, a failed batch): there is nothing to say. It then flags the rows it relayed.
// 4. If the relay message itself is lost (poisoned during a storage outage), SweepAsync (timer
//    SweepRegistrationEmails) finds committed registrations of recent events never flagged and
//    relays them. Running any of this twice sends each e-mail once (SendEmail's claim).
public sealed class RegistrationEmailRelay(
    RegistrationStore store, StorageInitializer storage, EmailOutbox outbox, RegistrationEmails emails, SubscriptionService newsletter,
    TimeProvider time, IOptions<RegistrationOptions> options, ILogger<RegistrationEmailRelay> logger)
{
    public const string QueueName = "registration-emails";
    public const int MaxAttempts = 5;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Waits between attempts when a registration's row is not there yet: its transaction may still be
    // retrying under contention. After the last, it is taken as never committed.
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)];

    // Registrations older than this and not flagged relayed are swept (their message was lost).
    public static readonly TimeSpan SweepAfter = TimeSpan.FromMinutes(10);

    public Task ScheduleAsync(string eventId, IReadOnlyList<string> registrationIds, CancellationToken cancellationToken = default) =>
        SendAsync(new RelayMessage(eventId, registrationIds), options.Value.EmailRelayDelay, cancellationToken);

    public static string EmailId(string registrationId, RegistrationStatus firstStatus) =>
        $"reg-{registrationId}-{(firstStatus == RegistrationStatus.Confirmed ? "confirmation" : "waitlist")}";

    public static RelayMessage? Parse(string text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<RelayMessage>(text, Json);
            return message is { EventId.Length: > 0, RegistrationIds.Count: > 0 } && EventRules.IsValidEventId(message.EventId)
                && message.RegistrationIds.All(RegistrationStore.IsSafeId) ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task<RelayReport> RelayAsync(RelayMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var evt = await store.GetEventAsync(message.EventId, cancellationToken);
        if (evt is null || evt.PurgedAt is not null)
        {
            logger.LogWarning("Registration e-mails for {EventId} not relayed: the event is gone or purged", message.EventId);
            return new RelayReport(0, 0, message.RegistrationIds.Count);
        }
        var registrations = await Task.WhenAll(message.RegistrationIds.Select(id => store.GetRegistrationAsync(message.EventId, id, cancellationToken)));
        var committed = registrations.OfType<RegistrationEntity>().Where(r => r.FirstStatus is not null).ToList();
        var missing = message.RegistrationIds.Except(committed.Select(r => r.RegistrationId), StringComparer.Ordinal).ToList();

        var relayed = await RecordAndQueueAsync(evt, committed, cancellationToken);
        if (missing.Count == 0)
        {
            return new RelayReport(relayed, 0, 0);
        }
        if (message.Attempt < MaxAttempts)
        {
            await SendAsync(message with { RegistrationIds = missing, Attempt = message.Attempt + 1 }, Backoff[message.Attempt - 1], cancellationToken);
            return new RelayReport(relayed, missing.Count, 0);
        }
        // A duplicate address answered with the existing registration, or a batch that failed: the
        // caller was told, no seat was taken, no e-mail is owed.
        logger.LogInformation("{Count} registrations for {EventId} never committed: no first e-mail", missing.Count, message.EventId);
        return new RelayReport(relayed, 0, missing.Count);
    }

    // Catch-up for lost relay messages: events whose registrations are open or closed less than two
    // days ago (older registrations have long been relayed), their committed rows never flagged.
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var total = 0;
        foreach (var evt in await store.ListEventsAsync(cancellationToken))
        {
            // Subtracted, not added: a closing date far in the future (an event saved before dates were
            // range-checked) must not overflow and fail the sweep of every event.
            if (evt.PurgedAt is not null || (now - evt.RegistrationClosesAt > TimeSpan.FromDays(2) && now > evt.EndsAt))
            {
                continue;
            }
            var stale = (await store.ListRegistrationsAsync(evt.EventId, cancellationToken))
                .Where(r => r.FirstStatus is not null && r.FirstEmailRelayedAt is null && now - r.CreatedAt > SweepAfter)
                .ToList();
            if (stale.Count > 0)
            {
                total += await RecordAndQueueAsync(evt, stale, cancellationToken);
                logger.LogWarning("Relayed {Count} registration e-mails for {EventId} whose relay message was lost", stale.Count, evt.EventId);
            }
        }
        return total;
    }

    // A registration whose status changed before its first e-mail went (promoted from the waitlist,
    // cancelled from the answer page) gets no first e-mail: the promotion or cancellation e-mail,
    // already on its way, is the one that tells the truth. Flagged all the same.
    private async Task<int> RecordAndQueueAsync(EventEntity evt, IReadOnlyList<RegistrationEntity> registrations, CancellationToken cancellationToken)
    {
        var toFlag = registrations.Where(r => r.FirstEmailRelayedAt is null).ToList();
        var ids = await Task.WhenAll(registrations.Where(reg => reg.Status == reg.FirstStatus).Select(async reg =>
        {
            var message = reg.FirstStatus == RegistrationStatus.Confirmed ? emails.Confirmation(evt, reg, promoted: false) : emails.Waitlisted(evt, reg);
            var marker = new EmailCommitMarker(RegistrationStore.TableName, evt.EventId, reg.RowKey);
            return await outbox.PrepareAsync(message, marker, EmailId(reg.RegistrationId, reg.FirstStatus!.Value), cancellationToken);
        }));
        await outbox.DispatchAsync(ids, cancellationToken);
        // The form's newsletter box: a pending subscription, confirmed from its own e-mail (idempotent per registration).
        foreach (var reg in toFlag.Where(r => r.NewsletterOptIn))
        {
            await newsletter.SubscribeFromRegistrationAsync(reg.Email, evt.EventId, reg.RegistrationId, cancellationToken);
        }
        await FlagRelayedAsync(evt.EventId, toFlag, cancellationToken);
        return ids.Length;
    }

    // Merges FirstEmailRelayedAt (that property only) in transactions of up to 100 rows: one call for a
    // whole batch. Best effort: a row deleted meanwhile (purge) fails its transaction, and the sweep
    // relays the others again later, which records nothing new and sends nothing twice.
    private async Task FlagRelayedAsync(string eventId, IReadOnlyList<RegistrationEntity> registrations, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var chunk in registrations.Chunk(RegistrationStore.MaxBatch))
        {
            var actions = chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                new TableEntity(eventId, r.RowKey) { [nameof(RegistrationEntity.FirstEmailRelayedAt)] = now }, ETag.All)).ToList();
            try
            {
                await store.SubmitAsync(eventId, actions, cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                logger.LogInformation("Could not flag {Count} registrations of {EventId} as relayed (one was deleted); the sweep will look again", chunk.Length, eventId);
            }
        }
    }

    private async Task SendAsync(RelayMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var queue = await storage.QueueAsync(QueueName, cancellationToken);
        await queue.SendMessageAsync(JsonSerializer.Serialize(message, Json), visibilityTimeout: delay, cancellationToken: cancellationToken);
    }
}
