using System.ComponentModel.DataAnnotations;

namespace Microstructures.Core.Email;

public sealed class EmailOptions
{
    public const string SectionName = "Email";

    [Required, EmailAddress]
    public string FromAddress { get; set; } = "";

    [Required]
    public string FromName { get; set; } = "CNRMS";

    // A recorded e-mail whose queue message has not been handled after this long is queued again by the sweeper.
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepGrace { get; set; } = TimeSpan.FromMinutes(2);

    // An e-mail left "sending" (the app crashed after calling the provider) is sent again only when
    // no provider event settled it within this delay: the one window where a duplicate is possible.
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReconcileDelay { get; set; } = TimeSpan.FromMinutes(15);

    // After this many transient failures an e-mail is marked failed instead of being queued again.
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 25;

    // Sent e-mails (bodies hold personal data: address, name) are deleted after this many days.
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 90;
}

public sealed class SendGridOptions
{
    public const string SectionName = "SendGrid";

    [Required]
    public string ApiKey { get; set; } = "";

    // Empty in Azure (SendGrid's own host); the DevHost's sink locally.
    public string? Host { get; set; }

    // Base64 public key of SendGrid's signed Event Webhook; when empty the webhook endpoint refuses events.
    public string? WebhookPublicKey { get; set; }

    // A signed webhook payload older than this is refused (a captured one cannot be replayed later);
    // at least a day, SendGrid retrying a failed delivery for up to 24 hours. Within it, each event is
    // applied once (its sg_event_id is recorded). Timestamps more than WebhookClockSkew ahead are refused too.
    [Range(typeof(TimeSpan), "1.00:00:00", "30.00:00:00")]
    public TimeSpan WebhookMaxAge { get; set; } = TimeSpan.FromHours(24) + TimeSpan.FromMinutes(5);

    public static readonly TimeSpan WebhookClockSkew = TimeSpan.FromMinutes(5);
}
