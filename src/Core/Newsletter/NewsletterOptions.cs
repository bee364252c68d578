using System.ComponentModel.DataAnnotations;

namespace Microstructures.Core.Newsletter;

// Settings "Newsletter__…", validated at start.
public sealed class NewsletterOptions : IValidatableObject
{
    public const string SectionName = "Newsletter";

    // HMAC key of the confirmation, unsubscribe and "rester inscrit" links. Changing it invalidates every link sent.
    [Required, MinLength(32)]
    public string SigningKey { get; set; } = "";

    // HMAC key of the address hashes: subscriber ids and the suppression list that outlives erasure.
    // Never change it once subscribers exist: every unsubscribed or bounced address would be forgotten.
    [Required, MinLength(32)]
    public string AddressHashKey { get; set; } = "";

    // The day of the month the issue goes out, in Paris: "FirstTuesday" (First|Second|Third|Fourth + an
    // English day name) or a day number from 1 to 28.
    [Required]
    public string SendDay { get; set; } = "FirstTuesday";

    // The hour (Paris time) the issue goes out on that day.
    [Range(0, 23)]
    public int SendHour { get; set; } = 9;

    // Who is told when the send time comes and no issue of the month is ready.
    [Required, EmailAddress]
    public string StaffAlertAddress { get; set; } = "";

    // The footer of every newsletter e-mail: who sends it and its postal address.
    [Required, MaxLength(200)]
    public string AssociationName { get; set; } = "CNRMS — Coordination nationale des réseaux de microstructures";

    [Required, MaxLength(300)]
    public string PostalAddress { get; set; } = "";

    [Range(typeof(TimeSpan), "01:00:00", "30.00:00:00")]
    public TimeSpan ConfirmationLinkValidity { get; set; } = TimeSpan.FromDays(7);

    // At most one confirmation (or "already subscribed") e-mail per address within this interval,
    // whatever the number of requests: the form cannot be used to flood a mailbox.
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RequestEmailInterval { get; set; } = TimeSpan.FromMinutes(10);

    // Subscribers without interaction (confirming, "rester inscrit") for this long are deleted...
    [Range(1, 10)]
    public int RetentionYears { get; set; } = 3;

    // ...after a re-permission e-mail sent at least this many days before.
    [Range(1, 180)]
    public int RepermissionLeadDays { get; set; } = 30;

    // A subscription never confirmed is deleted this many days after its last request.
    [Range(1, 365)]
    public int UnconfirmedRetentionDays { get; set; } = 30;

    // Well-formed public subscription requests (form and API) per client address per minute.
    [Range(1, 100_000)]
    public int MaxPerIpPerMinute { get; set; } = 30;

    // Provider calls per second from one instance (each call carries up to BatchSize recipients).
    [Range(0.01, 1000)]
    public double ThrottleCallsPerSecond { get; set; } = 5;

    // Recipients per provider call (SendGrid personalizations: 1,000 at most).
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 1000;

    // A delivery left "sending" (crash after the provider call) is sent again only when no provider
    // event settled it within this delay: the one window where a duplicate is possible.
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReconcileDelay { get; set; } = TimeSpan.FromMinutes(15);

    // A batch without progress for this long is queued again by the monthly run (lost or poisoned message).
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan BatchRetryAfter { get; set; } = TimeSpan.FromMinutes(10);

    // After this many transient failures a delivery is marked failed.
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 25;

    // Largest image accepted for an issue, in bytes.
    [Range(1024, 10 * 1024 * 1024)]
    public int MaxImageBytes { get; set; } = 1024 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Newsletter.SendDay.TryParse(SendDay, out _))
        {
            yield return new ValidationResult(
                $"Newsletter:SendDay must be First|Second|Third|Fourth followed by a day name (e.g. FirstTuesday) or a day number from 1 to 28, got '{SendDay}'.", [nameof(SendDay)]);
        }
    }
}
