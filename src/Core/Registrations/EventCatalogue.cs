using System.Collections.Concurrent;
using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;

namespace Microstructures.Core.Registrations;

// The events: create or update one (capacity never below the confirmed count; raising it promotes; a
// change of date, time or venue raises the calendar sequence and e-mails the registrants), its public
// summary, and the definition registrations are checked against.
public sealed class EventCatalogue(RegistrationStore store, EventLocks locks, WaitlistPromotion promotion, EventChangeNotices notices, TimeProvider time, ILogger<EventCatalogue> logger)
{
    private const int MaxAttempts = 100;

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
        using (await locks.LockAsync(eventId, cancellationToken))
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
                        if (evt.CancelledAt is not null)
                        {
                            return Result<EventSummary>.Conflict("Cet événement est annulé : il ne peut plus être modifié.");
                        }
                        if (EventChange.Of(evt) is var before && before.DiffersFrom(valid))
                        {
                            // Written with the change: the e-mails are owed even if this process stops now.
                            evt.LastChangeJson = System.Text.Json.JsonSerializer.Serialize(before);
                            evt.CalendarSequence++;
                        }
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
        // A raised capacity promotes waitlisted people at once; a change is announced (or the rest of an
        // interrupted announcement, on a retried save).
        await promotion.PromoteAsync(eventId, cancellationToken);
        await notices.SendOwedAsync(eventId, cancellationToken);
        var current = await store.GetEventAsync(eventId, cancellationToken) ?? saved;
        return Result<EventSummary>.Success(EventSummary.From(current, time.GetUtcNow()));
    }

    public async Task<Result<EventSummary>> GetSummaryAsync(string eventId, CancellationToken cancellationToken = default) =>
        EventRules.IsValidEventId(eventId) && await store.GetEventAsync(eventId, cancellationToken) is { } evt
            ? Result<EventSummary>.Success(EventSummary.From(evt, time.GetUtcNow()))
            : Result<EventSummary>.NotFound("Cet événement n'existe pas.");

    // The event as a registration request checks it (existence, window, extra questions), read at most
    // every two seconds per event and instance: in the opening rush, a thousand requests do not each
    // read the row the committer is rewriting. Nothing that counts seats comes from here. Saving the
    // event in this instance drops its entry; another instance sees a change within two seconds, and
    // the committer checks the window again against the row itself.
    internal async Task<EventEntity?> GetDefinitionAsync(string eventId, CancellationToken cancellationToken)
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
}
