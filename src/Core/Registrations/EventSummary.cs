namespace Microstructures.Core.Registrations;

// An event as the public and the staff see it: its definition, seats left and where registrations stand.
public sealed record EventSummary(string EventId, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Venue, string Address,
    int Capacity, int SeatsLeft, int Waitlisted, DateTimeOffset RegistrationOpensAt, DateTimeOffset RegistrationClosesAt, string ContactEmail,
    RegistrationState RegistrationState, IReadOnlyList<ExtraQuestion> ExtraQuestions, DateTimeOffset? CancelledAt = null)
{
    public static EventSummary From(EventEntity e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        var state = e.CancelledAt is not null ? RegistrationState.Closed
            : now < e.RegistrationOpensAt ? RegistrationState.NotOpenYet
            : now >= e.RegistrationClosesAt ? RegistrationState.Closed
            : e.SeatsLeft > 0 ? RegistrationState.Open
            : RegistrationState.Waitlist;
        return new(e.EventId, e.Title, e.StartsAt, e.EndsAt, e.Venue, e.Address, e.Capacity, e.SeatsLeft, e.Waiting, e.RegistrationOpensAt, e.RegistrationClosesAt,
            e.ContactEmail, state, e.ExtraQuestions, e.CancelledAt);
    }
}
