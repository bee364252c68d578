namespace Microstructures.Core.Registrations;

// What a change of an event replaced (date, time, venue), kept on the event row for its e-mails.
public sealed record EventChange(DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Venue, string Address)
{
    public static EventChange Of(EventEntity evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return new(evt.StartsAt, evt.EndsAt, evt.Venue, evt.Address);
    }

    // Whether saving `next` changes what registrants were told (and what their calendars hold).
    public bool DiffersFrom(ValidEvent next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return next.StartsAt != StartsAt || next.EndsAt != EndsAt || next.Venue != Venue || next.Address != Address;
    }
}
