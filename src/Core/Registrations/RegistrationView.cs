namespace Microstructures.Core.Registrations;

// One registration as its owner (behind the signed link) and the staff see it.
public sealed record RegistrationView(EventSummary Event, string RegistrationId, string FirstName, string LastName, string Email, RegistrationStatus Status, int? WaitlistPosition, DateTimeOffset? CheckedInAt,
    string? EntryCode = null, bool CanUndoCancellation = false);
