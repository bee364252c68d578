using System.ComponentModel.DataAnnotations;

namespace Microstructures.Core.Registrations;

public sealed class RegistrationOptions
{
    public const string SectionName = "Registrations";

    // HMAC key of the manage/cancel links and check-in tokens. Changing it invalidates every link sent.
    [Required, MinLength(32)]
    public string SigningKey { get; set; } = "";

    // Well-formed public registration attempts accepted per client address (an IPv6 client by its /64)
    // per minute. Generous: a mobile network puts many people behind one address, and a whole network's
    // team may register from one office in the opening rush.
    [Range(1, 100_000)]
    public int MaxPerIpPerMinute { get; set; } = 300;

    // Well-formed public registration attempts per e-mail address per hour.
    [Range(1, 1000)]
    public int MaxPerEmailPerHour { get; set; } = 5;

    // A new registration's first e-mail is relayed this long after its batch is queued for commit
    // (RegistrationEmailRelay): the transaction has landed by then. Short enough to feel immediate.
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan EmailRelayDelay { get; set; } = TimeSpan.FromSeconds(5);

    // The door checks people in from this long before the event starts until this long after it ends;
    // outside, a code scanned (months early, or by mistake) marks nobody present.
    [Range(typeof(TimeSpan), "00:00:00", "400.00:00:00")]
    public TimeSpan CheckinMargin { get; set; } = TimeSpan.FromHours(4);

    // Registrants' personal data is purged this many days after the event ends.
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 90;
}
