using System.Globalization;
using System.Text.Json.Serialization;

namespace Microstructures.Core.Forfaits;

[JsonConverter(typeof(JsonStringEnumConverter<ReminderKind>))]
public enum ReminderKind
{
    // To the microstructure's contacts, LeadTimesDays before a period's end.
    Microstructure,

    // To the network's coordinators, EscalationDaysBefore a period's end when it is not renewed.
    Escalation,
}

[JsonConverter(typeof(JsonStringEnumConverter<ReminderOutcome>))]
public enum ReminderOutcome
{
    Sent,
    Skipped,
}

[JsonConverter(typeof(JsonStringEnumConverter<SkipReason>))]
public enum SkipReason
{
    // Due before Forfaits__RemindersStartDate.
    BeforeStart,

    // A later lead time of the same period was due as well: only the latest is sent.
    Superseded,

    // The team asked to skip this one reminder.
    Snoozed,

    // The team said it is on it: no more microstructure reminders for this period.
    Acknowledged,

    // The period was renewed (or the forfait closed) before the reminder was due.
    Renewed,
    Closed,

    // Nobody to send it to (a microstructure or network missing from the org tree).
    NoRecipient,
}

// One reminder of one period: the unit handled exactly once (sent or skipped).
public sealed record ReminderKey(string ForfaitId, int Period, ReminderKind Kind, int Days)
{
    // "<forfaitId>|001|m060" (microstructure, 60 days) or "<forfaitId>|001|e007" (escalation, 7 days).
    public string Text => string.Create(CultureInfo.InvariantCulture, $"{ForfaitId}|{Period:D3}|{(Kind == ReminderKind.Microstructure ? 'm' : 'e')}{Days:D3}");

    public static ReminderKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('|');
        return new ReminderKey(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture),
            parts[2][0] == 'm' ? ReminderKind.Microstructure : ReminderKind.Escalation, int.Parse(parts[2][1..], CultureInfo.InvariantCulture));
    }
}

// One forfait of a digest, as recorded with it (the page shows the forfait's current state beside it).
public sealed record DigestItem(string ForfaitId, string MicrostructureId, int Period, ReminderKind Kind, int Days, DateOnly EndDate, decimal AmountEuros);

[JsonConverter(typeof(JsonStringEnumConverter<DigestKind>))]
public enum DigestKind
{
    Microstructure,
    Network,
}
