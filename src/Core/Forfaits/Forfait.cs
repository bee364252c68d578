using System.Text.Json.Serialization;

namespace Microstructures.Core.Forfaits;

// Computed, not stored: a forfait whose current period ended without renewal or closure is lapsed.
[JsonConverter(typeof(JsonStringEnumConverter<ForfaitStatus>))]
public enum ForfaitStatus
{
    Active,
    Lapsed,
    Closed,
}

[JsonConverter(typeof(JsonStringEnumConverter<PeriodOrigin>))]
public enum PeriodOrigin
{
    Inclusion,
    Renewal,

    // The current period of an inclusion imported from a spreadsheet (the earlier ones are not known).
    Import,
}

public sealed record ForfaitPeriod(int Number, DateOnly Start, DateOnly End, decimal AmountEuros, PeriodOrigin Origin);

// What the network API, the digest page and the staff read. Holds the pseudonym: never put it in an e-mail.
public sealed record Forfait(
    string Id, string MicrostructureId, string NetworkId, string Pseudonym, string SchemeId, string SchemeName,
    DateOnly InclusionDate, ForfaitStatus Status, ForfaitPeriod CurrentPeriod, IReadOnlyList<ForfaitPeriod> Periods,
    ClosureReason? ClosureReason, string? ClosureReasonLabel, DateOnly? ClosedOn,
    int? SnoozedReminderDays, bool RemindersAcknowledged, string Version);

// Inputs: every field nullable so a missing field is a French field error, not a binding failure.
public sealed record ForfaitInput(string? MicrostructureId, string? Pseudonym, string? SchemeId, string? InclusionDate);

// Period: the number of the period being renewed. With it a retried request renews once; without it
// the current period is renewed.
public sealed record RenewalInput(int? Period = null);

public sealed record ClosureInput(string? Reason, string? ClosedOn = null);

// Snooze or acknowledge the reminders of a period (the current one when Period is null).
public sealed record ReminderActionInput(int? Period = null);
