using Azure;
using Azure.Data.Tables;

namespace Microstructures.Core.Newsletter;

public enum SubscriberStatus
{
    // Asked (form or registration), not confirmed yet: receives nothing but the confirmation e-mail.
    Pending,
    Active,
    Unsubscribed,

    // A hard bounce: the address does not exist.
    Bounced,

    // A spam report.
    Complained,
}

// How the address came in.
public enum SubscriberSource
{
    // The newsletter's subscription form or API.
    Form,

    // The opt-in box of an event's registration form.
    Registration,

    // A staff import of professional contacts.
    Import,
}

public enum LegalBasis
{
    // Double opt-in: the person confirmed from the link sent to the address.
    Consent,

    // Professional contacts imported by the staff: information about the person's own profession, with
    // an unsubscribe link in every e-mail (the first newsletter is the information notice).
    LegitimateInterest,
}

// Key design, table "newslettersubscribers": PK "sub", RK = subscriber id (32 hex of an HMAC of the
// normalised address, SubscriberIds): a point read by address without an index, one row per address,
// rows sorted by id so the fan-out cuts them into id ranges. One partition: a query reads every
// subscriber in id order (tens of thousands at most).
public sealed class SubscriberEntity : ITableEntity
{
    public string PartitionKey { get; set; } = SubscriberStore.Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string SubscriberId => RowKey;
    public string Email { get; set; } = "";
    public string Status { get; set; } = nameof(SubscriberStatus.Pending);
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset StatusChangedAt { get; set; }

    // Why the status last changed, when it came from outside (provider reason, "one-click", "page", "staff").
    public string? StatusReason { get; set; }

    // Where the subscription that is in force came from, and on what basis.
    public string Source { get; set; } = nameof(SubscriberSource.Form);
    public string? SourceDetail { get; set; }
    public string LegalBasis { get; set; } = nameof(Newsletter.LegalBasis.Consent);

    // The consent in force: when it was given (the confirmation), the exact text agreed to, its version.
    public DateTimeOffset? ConsentAt { get; set; }
    public string? ConsentText { get; set; }
    public string? ConsentVersion { get; set; }

    // The last request not confirmed yet (form or registration): what a confirmation turns into consent.
    public DateTimeOffset? RequestedAt { get; set; }
    public string? RequestSource { get; set; }
    public string? RequestSourceDetail { get; set; }
    public string? RequestConsentVersion { get; set; }

    // The last confirmation or "already subscribed" e-mail (one per RequestEmailInterval at most).
    public DateTimeOffset? LastEmailAt { get; set; }

    // Confirming, "rester inscrit", an import: the retention clock starts again from here.
    public DateTimeOffset LastInteractionAt { get; set; }
    public DateTimeOffset? RepermissionSentAt { get; set; }

    public SubscriberStatus StatusValue() => Enum.Parse<SubscriberStatus>(Status);
}

// What the staff see of a subscriber.
public sealed record Subscriber(
    string Id, string Email, SubscriberStatus Status, SubscriberSource Source, string? SourceDetail, LegalBasis LegalBasis,
    DateTimeOffset CreatedAt, DateTimeOffset StatusChangedAt, DateTimeOffset? ConsentAt, string? ConsentVersion,
    DateTimeOffset LastInteractionAt, DateTimeOffset? RepermissionSentAt)
{
    public static Subscriber From(SubscriberEntity e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.SubscriberId, e.Email, e.StatusValue(), Enum.Parse<SubscriberSource>(e.Source), e.SourceDetail, Enum.Parse<LegalBasis>(e.LegalBasis),
            e.CreatedAt, e.StatusChangedAt, e.ConsentAt, e.ConsentVersion, e.LastInteractionAt, e.RepermissionSentAt);
    }
}

// Ordered by strength: a stronger reason replaces a weaker one, never the reverse. Unsubscribed and
// Erased block everything but a new double opt-in by the address' owner; Bounced and Complained block
// every e-mail, confirmation requests included.
public enum SuppressionReason
{
    Unsubscribed,
    Erased,
    Bounced,
    Complained,
}

// Key design, table "newslettersuppressions": PK "sup", RK = subscriber id (the address' HMAC, never
// the address): survives unsubscription, erasure and retention; read by id range at send time.
public sealed class SuppressionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = SuppressionStore.Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string Reason { get; set; } = nameof(SuppressionReason.Unsubscribed);
    public DateTimeOffset At { get; set; }

    public SuppressionReason ReasonValue() => Enum.Parse<SuppressionReason>(Reason);

    // Bounced and complained addresses get nothing at all, not even a confirmation request.
    public bool BlocksRequests => ReasonValue() is SuppressionReason.Bounced or SuppressionReason.Complained;
}
