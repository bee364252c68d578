using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Microstructures.Core.Registrations;

// The event row. It is also the seat counter: every registration, cancellation and promotion
// rewrites it under its ETag in the same transaction as the rows it changes (see RegistrationStore).
public sealed class EventEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = RegistrationStore.EventRowKey;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string EventId => PartitionKey;
    public string Title { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public string Venue { get; set; } = "";
    public string Address { get; set; } = "";
    public int Capacity { get; set; }
    public DateTimeOffset RegistrationOpensAt { get; set; }
    public DateTimeOffset RegistrationClosesAt { get; set; }
    public string ContactEmail { get; set; } = "";
    public string? ExtraQuestionsJson { get; set; }

    [IgnoreDataMember]
    public IReadOnlyList<ExtraQuestion> ExtraQuestions =>
        ExtraQuestionsJson is { Length: > 0 } json ? JsonSerializer.Deserialize<List<ExtraQuestion>>(json, JsonOptions) ?? [] : [];

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    // Counters, changed only together with the rows they count.
    public int Confirmed { get; set; }
    public int Waiting { get; set; }
    public long NextWaitSequence { get; set; }
    public int Cancelled { get; set; }

    // Raised by every change of date, time or venue (and by the event's cancellation): the SEQUENCE of
    // the registrants' .ics files, so calendars move the entry instead of adding one.
    public int CalendarSequence { get; set; }

    // The CalendarSequence whose e-mails have all been recorded: lower means a change still owes some.
    public int NotifiedSequence { get; set; }

    // What the last change replaced (EventChange as JSON), for its e-mails.
    public string? LastChangeJson { get; set; }

    // Set when the staff cancel the event: no registration, no check-in; everyone was told.
    public DateTimeOffset? CancelledAt { get; set; }

    // Bumped to revoke every door volunteer's check-in link at once.
    public int CheckinLinkVersion { get; set; } = 1;

    // Set once the retention purge removed registrants' personal data.
    public DateTimeOffset? PurgedAt { get; set; }

    // What the purge keeps: the anonymous counts (RegistrationCounts as JSON).
    public string? ArchivedCounts { get; set; }

    public int SeatsLeft => Math.Max(0, Capacity - Confirmed);

    // Under way (or over): a seat given back now cannot be used by anyone else.
    public bool HasBegun(DateTimeOffset now) => now >= StartsAt;

    public void Apply(ValidEvent input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Title = input.Title;
        StartsAt = input.StartsAt;
        EndsAt = input.EndsAt;
        Venue = input.Venue;
        Address = input.Address;
        Capacity = input.Capacity;
        RegistrationOpensAt = input.RegistrationOpensAt;
        RegistrationClosesAt = input.RegistrationClosesAt;
        ContactEmail = input.ContactEmail;
        ExtraQuestionsJson = input.ExtraQuestions.Count == 0 ? null : JsonSerializer.Serialize(input.ExtraQuestions, JsonOptions);
    }
}
