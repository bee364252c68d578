namespace Microstructures.Core.Registrations;

// PUT /api/manage/events/{eventId}. Dates are text so a malformed one is named in the 400, not
// lost in a JSON binding error; without an offset they are read as Paris time.
public sealed record EventInput(
    string? Title,
    string? StartsAt,
    string? EndsAt,
    string? Venue,
    string? Address,
    int? Capacity,
    string? RegistrationOpensAt,
    string? RegistrationClosesAt,
    string? ContactEmail,
    IReadOnlyList<ExtraQuestion>? ExtraQuestions = null);
