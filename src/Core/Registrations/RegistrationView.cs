namespace Microstructures.Core.Registrations;

// One registration as its owner (behind the signed link) and the staff see it. Cancellable: whether its
// owner may still cancel it (RegistrationCancellation's rule); CertificateUrl: its certificate link, for
// a registration checked in and not cancelled (AttendanceCertificates' rule); EntryCode: the short code
// the door accepts (confirmed only); CanUndoCancellation: CancellationUndo's rule.
public sealed record RegistrationView(EventSummary Event, string RegistrationId, string FirstName, string LastName, string Email, RegistrationStatus Status, int? WaitlistPosition, DateTimeOffset? CheckedInAt,
    bool Cancellable, string? CertificateUrl, string? EntryCode = null, bool CanUndoCancellation = false);
