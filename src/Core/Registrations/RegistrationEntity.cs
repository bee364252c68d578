using Azure;
using Azure.Data.Tables;

namespace Microstructures.Core.Registrations;

// One registration row (personal data). Key design in RegistrationStore.
public sealed class RegistrationEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string EventId => PartitionKey;
    public string RegistrationId { get; set; } = "";
    public RegistrationStatus Status { get; set; } = RegistrationStatus.Confirmed;
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string Email { get; set; } = "";
    public string Profession { get; set; } = "";
    public string Organisation { get; set; } = "";
    public string Region { get; set; } = "";
    public string? AccessibilityNeeds { get; set; }
    public bool NewsletterOptIn { get; set; }
    public string? AnswersJson { get; set; }

    public RegistrationSource Source { get; set; } = RegistrationSource.Public;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public DateTimeOffset? CheckedInAt { get; set; }

    // Added to the event's CalendarSequence for this registration's .ics SEQUENCE: raised by each
    // cancellation (METHOD:CANCEL) and each undo, so that every calendar file sent supersedes the last.
    public int CalendarRevision { get; set; }

    // Place in the first-come-first-served waitlist (null when never waitlisted).
    public long? WaitSequence { get; set; }

    // The status the registration was committed with: what its first e-mail says (confirmation or
    // waitlist acknowledgement), whatever happened since. Set by the committing transaction.
    public RegistrationStatus? FirstStatus { get; set; }

    // When RegistrationEmailRelay recorded and queued that first e-mail (null: not yet).
    public DateTimeOffset? FirstEmailRelayedAt { get; set; }

    // A new registration of this event, before the committer gives it its status.
    public static RegistrationEntity New(string eventId, ValidRegistration valid, RegistrationSource source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(valid);
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
            AnswersJson = valid.AnswersJson,
            Source = source,
            CreatedAt = now,
        };
    }
}
