using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;

namespace Microstructures.Core.Registrations;

// The staff cancel an event: no more registrations or check-ins, and everyone registered (confirmed
// and waitlisted) gets an e-mail, with a METHOD:CANCEL .ics for a seat. Asking again resends only
// what an interrupted first request did not record.
public sealed class EventCancellation(RegistrationStore store, EventLocks locks, EventChangeNotices notices, TimeProvider time, ILogger<EventCancellation> logger)
{
    public async Task<Result<EventSummary>> CancelAsync(string eventId, CancellationToken cancellationToken = default)
    {
        if (!EventRules.IsValidEventId(eventId))
        {
            return Result<EventSummary>.NotFound("Cet événement n'existe pas.");
        }
        using (await locks.LockAsync(eventId, cancellationToken))
        {
            var table = await store.TableAsync(cancellationToken);
            while (true)
            {
                var evt = await store.GetEventAsync(eventId, cancellationToken);
                if (evt is null)
                {
                    return Result<EventSummary>.NotFound("Cet événement n'existe pas.");
                }
                if (evt.CancelledAt is not null)
                {
                    break;
                }
                evt.CancelledAt = time.GetUtcNow();
                evt.CalendarSequence++;
                try
                {
                    await table.UpdateEntityAsync(evt, evt.ETag, TableUpdateMode.Replace, cancellationToken);
                    logger.LogInformation("Event {EventId} cancelled", eventId);
                    break;
                }
                catch (RequestFailedException ex) when (ex.Status == 412)
                {
                }
            }
        }
        await notices.SendOwedAsync(eventId, cancellationToken);
        var current = await store.GetEventAsync(eventId, cancellationToken);
        return Result<EventSummary>.Success(EventSummary.From(current!, time.GetUtcNow()));
    }
}
