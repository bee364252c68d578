using Microstructures.Core.Common;

namespace Microstructures.Core.Registrations;

// When an event takes registrations: the public within its window, the staff at any time until the
// personal data is purged. Checked on the request (against the cached definition) and again by the
// committer (against the row it commits under).
public static class RegistrationWindow
{
    public static Result<RegistrationOutcome>? Refusal(EventEntity evt, RegistrationSource source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (evt.CancelledAt is not null)
        {
            return Result<RegistrationOutcome>.Conflict("Cet événement est annulé.");
        }
        if (source == RegistrationSource.Public && now < evt.RegistrationOpensAt)
        {
            return Result<RegistrationOutcome>.Conflict($"Les inscriptions ouvriront le {EventRules.FormatParis(evt.RegistrationOpensAt)}.");
        }
        if (evt.PurgedAt is not null || (source == RegistrationSource.Public && now >= evt.RegistrationClosesAt))
        {
            return Result<RegistrationOutcome>.Conflict("Les inscriptions sont closes.");
        }
        return null;
    }
}
