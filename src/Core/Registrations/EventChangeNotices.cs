using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

// The e-mails an event's change (date, time, venue) or cancellation owes its registrants, confirmed and
// waitlisted: owed when the event row's CalendarSequence is above its NotifiedSequence (both written with
// the change itself), settled once every e-mail is recorded. Each e-mail's id names the sequence and the
// registration, so a retried save or a second cancel request records nobody's e-mail twice.
public sealed class EventChangeNotices(RegistrationStore store, RegistrationEmails emails, EmailOutbox outbox, EmailStore emailStore, ILogger<EventChangeNotices> logger)
{
    // Who would be told of a change now: confirmed and waitlisted registrations.
    public static bool IsTold(RegistrationEntity reg)
    {
        ArgumentNullException.ThrowIfNull(reg);
        return reg.Status is RegistrationStatus.Confirmed or RegistrationStatus.Waitlisted;
    }

    // Returns how many e-mails were recorded by this call.
    public async Task<int> SendOwedAsync(string eventId, CancellationToken cancellationToken = default)
    {
        var evt = await store.GetEventAsync(eventId, cancellationToken);
        if (evt is null || evt.NotifiedSequence >= evt.CalendarSequence)
        {
            return 0;
        }
        var sequence = evt.CalendarSequence;
        var change = evt.LastChangeJson is { Length: > 0 } json ? JsonSerializer.Deserialize<EventChange>(json) : null;
        var ids = new List<string>();
        foreach (var reg in await store.ListRegistrationsAsync(eventId, cancellationToken))
        {
            if (!IsTold(reg))
            {
                continue;
            }
            var emailId = evt.CancelledAt is null ? $"evt-{eventId}-change{sequence}-{reg.RegistrationId}" : $"evt-{eventId}-cancelled-{reg.RegistrationId}";
            if (await emailStore.GetAsync(emailId, cancellationToken) is not null)
            {
                continue;
            }
            var message = evt.CancelledAt is not null ? emails.EventCancelled(evt, reg)
                : change is not null ? emails.EventChanged(evt, reg, change)
                : null;
            if (message is not null)
            {
                ids.Add(await outbox.PrepareAsync(message, emailId: emailId, cancellationToken: cancellationToken));
            }
        }
        await outbox.DispatchAsync(ids, cancellationToken);
        await MarkNotifiedAsync(eventId, sequence, cancellationToken);
        logger.LogInformation("Event {EventId} at calendar sequence {Sequence}: {Count} registrants e-mailed", eventId, sequence, ids.Count);
        return ids.Count;
    }

    // The e-mails a change still owes because the save that made it stopped before recording them all
    // (a crash, a timeout): every event whose CalendarSequence is above its NotifiedSequence. Run by the
    // registration e-mail sweep; SendOwedAsync skips what was recorded, so a retry or an overlap sends
    // nobody anything twice. Returns how many e-mails were recorded.
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var recorded = 0;
        foreach (var evt in await store.ListEventsAsync(cancellationToken))
        {
            if (evt.NotifiedSequence < evt.CalendarSequence)
            {
                recorded += await SendOwedAsync(evt.EventId, cancellationToken);
            }
        }
        return recorded;
    }

    // Conditional on the ETag (the row also holds the seat counters): read again on a concurrent write.
    private async Task MarkNotifiedAsync(string eventId, int sequence, CancellationToken cancellationToken)
    {
        var table = await store.TableAsync(cancellationToken);
        while (await store.GetEventAsync(eventId, cancellationToken) is { } evt && evt.NotifiedSequence < sequence)
        {
            evt.NotifiedSequence = sequence;
            try
            {
                await table.UpdateEntityAsync(evt, evt.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
            }
        }
    }
}
