using Microsoft.Extensions.Logging;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

public sealed record ReminderReport(int Events, int Sent, int Promoted);

// Reminders to confirmed attendees 7 days and 1 day before the event (Paris dates), from 09:00
// Paris time on that day. The timer runs hourly; each reminder is recorded under a deterministic
// e-mail id ("reg-<id>-reminder-7d"), so a rerun or a retried invocation never sends it twice.
// Someone who registers after their reminder day simply gets the next one.
public sealed class AttendeeReminders(RegistrationStore store, WaitlistPromotion promotion, RegistrationEmails emails, EmailOutbox outbox, EmailStore emailStore, TimeProvider time, ILogger<AttendeeReminders> logger)
{
    public static readonly int[] DaysBefore = [7, 1];
    private static readonly TimeSpan SendFrom = TimeSpan.FromHours(9);

    public async Task<ReminderReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var parisNow = TimeZoneInfo.ConvertTime(now, EventRules.Paris);
        int events = 0, sent = 0, promoted = 0;
        foreach (var evt in await store.ListEventsAsync(cancellationToken))
        {
            if (evt.StartsAt <= now || evt.PurgedAt is not null)
            {
                continue;
            }
            events++;
            // Catch-up: a seat left free by an interrupted promotion is filled here at the latest.
            promoted += await promotion.PromoteAsync(evt.EventId, cancellationToken);
            var eventDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(evt.StartsAt, EventRules.Paris).DateTime);
            var due = DaysBefore.FirstOrDefault(d => DateOnly.FromDateTime(parisNow.DateTime) == eventDay.AddDays(-d) && parisNow.TimeOfDay >= SendFrom);
            if (due == 0)
            {
                continue;
            }
            var ids = new List<string>();
            foreach (var reg in await store.ListRegistrationsAsync(evt.EventId, cancellationToken))
            {
                var emailId = $"reg-{reg.RegistrationId}-reminder-{due}d";
                if (reg.Status != RegistrationStatus.Confirmed || await emailStore.GetAsync(emailId, cancellationToken) is not null)
                {
                    continue;
                }
                ids.Add(await outbox.PrepareAsync(emails.Reminder(evt, reg, due), emailId: emailId, cancellationToken: cancellationToken));
            }
            await outbox.DispatchAsync(ids, cancellationToken);
            sent += ids.Count;
            if (ids.Count > 0)
            {
                logger.LogInformation("Sent {Count} reminders ({Days} days before) for {EventId}", ids.Count, due, evt.EventId);
            }
        }
        return new ReminderReport(events, sent, promoted);
    }
}
