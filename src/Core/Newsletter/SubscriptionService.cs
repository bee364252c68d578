using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Newsletter;

// What the subscription form and API send (JSON "email", "consent"). Website is the honeypot.
public sealed record SubscriptionInput(string? Email, bool Consent, string? Website = null);

public sealed record SubscriptionAnswer(string Message);

public enum ConfirmationState
{
    // The link is valid: the page shows the button (GET changes nothing).
    ToConfirm,
    Confirmed,
    AlreadyConfirmed,
}

public sealed record ConfirmationView(string MaskedEmail, ConfirmationState State, DateTimeOffset ExpiresAt);

// Double opt-in. A request (form, API or the registration form's box) records the address as pending
// and sends a confirmation e-mail with a signed link that expires; the link opens a page whose button
// confirms (POST): link scanners that open the link confirm nothing.
// Every valid request gets the same answer, and the e-mail (or none) goes to the mailbox only:
// - new, pending, unsubscribed or erased address: a confirmation request;
// - active: an "already subscribed" notice;
// - bounced or complained: nothing (the provider would bounce or flag it again);
// - at most one e-mail per address per RequestEmailInterval, whatever the number of requests.
// Request e-mails are recorded before the subscriber row is written, with that row as their commit
// marker (EmailOutbox), so a crash in between loses nothing and sends nothing for an address never stored.
public sealed partial class SubscriptionService(
    SubscriberStore subscribers, SuppressionStore suppressions, SubscriberIds ids, NewsletterTokens tokens, NewsletterEmails emails,
    EmailOutbox outbox, SubscriptionRateLimiter limiter, TimeProvider time, IOptions<NewsletterOptions> options, ILogger<SubscriptionService> logger)
{
    private const int MaxAttempts = 5;

    public static SubscriptionAnswer Received { get; } = new(NewsletterMessages.RequestReceived);

    // client: the public caller's address, counted once the request is well-formed (null: not limited).
    public async Task<Result<SubscriptionAnswer>> SubscribeAsync(SubscriptionInput? input, IPAddress? client = null, CancellationToken cancellationToken = default)
    {
        input ??= new SubscriptionInput(null, false);
        var errors = new ValidationErrors();
        var email = ValidateEmail(errors, input.Email);
        if (!input.Consent)
        {
            errors.Add("consent", NewsletterMessages.ConsentMissing);
        }
        if (!errors.IsEmpty)
        {
            return errors;
        }
        if (limiter.TryAcquire(client) is { Allowed: false } limited)
        {
            LogLimited(limited.RetryAfter);
            return Result<SubscriptionAnswer>.TooManyRequests(NewsletterMessages.TooManyRequests(limited.RetryAfter), limited.RetryAfter);
        }
        if (!string.IsNullOrEmpty(input.Website))
        {
            return Result<SubscriptionAnswer>.Success(Received); // a bot: nothing stored, told nothing
        }
        await RequestAsync(email!, SubscriberSource.Form, "formulaire d'abonnement", ConsentTexts.FormVersion, null, cancellationToken);
        return Result<SubscriptionAnswer>.Success(Received);
    }

    // For the registration path: a registrant who ticked the newsletter box is a pending subscriber
    // until they confirm from the e-mail. Idempotent per registration (a retried relay records one e-mail).
    public async Task<Result<SubscriptionAnswer>> SubscribeFromRegistrationAsync(string email, string eventId, string registrationId, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationErrors();
        var valid = ValidateEmail(errors, email);
        if (!errors.IsEmpty)
        {
            return errors;
        }
        EmailIds.Validate(registrationId);
        await RequestAsync(valid!, SubscriberSource.Registration, $"inscription à l'événement {eventId}", ConsentTexts.RegistrationVersion, "r" + registrationId, cancellationToken);
        return Result<SubscriptionAnswer>.Success(Received);
    }

    // GET of the confirmation link: says what the button will do, changes nothing.
    public async Task<Result<ConfirmationView>> OpenConfirmationAsync(string? token, CancellationToken cancellationToken = default)
    {
        var (view, refusal, _, _) = await CheckConfirmationAsync(token, cancellationToken);
        return view is null ? Result<ConfirmationView>.NotFound(refusal!) : Result<ConfirmationView>.Success(view);
    }

    // The page's button (POST): pending becomes active, the consent is recorded, a welcome e-mail goes.
    // Pressing it twice confirms once.
    public async Task<Result<ConfirmationView>> ConfirmAsync(string? token, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var (view, refusal, row, issuedAt) = await CheckConfirmationAsync(token, cancellationToken);
            if (view is null)
            {
                return Result<ConfirmationView>.NotFound(refusal!);
            }
            if (view.State == ConfirmationState.AlreadyConfirmed)
            {
                return Result<ConfirmationView>.Success(view);
            }
            var now = time.GetUtcNow();
            var id = row!.SubscriberId;
            var welcomeId = $"nl-welcome-{id}-{issuedAt.ToUnixTimeSeconds()}";
            await outbox.PrepareAsync(emails.Welcome(row.Email, id), Marker(id), welcomeId, cancellationToken);
            // The suppression goes before the row turns active: a crash in between leaves an address
            // that is not suppressed and not active either (the next press completes it), never an
            // active subscriber the fan-out would skip.
            if (await suppressions.GetAsync(id, cancellationToken) is { } suppression)
            {
                await suppressions.LiftAsync(suppression, cancellationToken);
            }
            var version = row.RequestConsentVersion ?? ConsentTexts.FormVersion;
            row.Status = nameof(SubscriberStatus.Active);
            row.StatusChangedAt = now;
            row.StatusReason = null;
            row.Source = row.RequestSource ?? row.Source;
            row.SourceDetail = row.RequestSourceDetail ?? row.SourceDetail;
            row.LegalBasis = nameof(LegalBasis.Consent);
            row.ConsentAt = now;
            row.ConsentVersion = version;
            row.ConsentText = ConsentTexts.Text(version);
            row.RequestedAt = null;
            row.RequestSource = null;
            row.RequestSourceDetail = null;
            row.RequestConsentVersion = null;
            row.LastInteractionAt = now;
            row.RepermissionSentAt = null;
            if (!await subscribers.TryUpdateAsync(row, cancellationToken))
            {
                continue;
            }
            await outbox.DispatchAsync(welcomeId, cancellationToken);
            LogConfirmed(id, row.Source);
            return Result<ConfirmationView>.Success(view with { State = ConfirmationState.Confirmed });
        }
        throw new InvalidOperationException("The subscriber kept changing during five confirmation attempts.");
    }

    private async Task<(ConfirmationView? View, string? Refusal, SubscriberEntity? Row, DateTimeOffset IssuedAt)> CheckConfirmationAsync(string? token, CancellationToken cancellationToken)
    {
        if (tokens.ReadConfirmation(token) is not { } read)
        {
            return (null, NewsletterMessages.InvalidLink, null, default);
        }
        var (id, issuedAt) = read;
        var expiresAt = issuedAt + options.Value.ConfirmationLinkValidity;
        if (await subscribers.GetAsync(id, cancellationToken) is not { } row)
        {
            return (null, NewsletterMessages.RequestGone, null, issuedAt);
        }
        var status = row.StatusValue();
        var view = new ConfirmationView(NewsletterMessages.Mask(row.Email), ConfirmationState.ToConfirm, expiresAt);
        if (status == SubscriberStatus.Active)
        {
            return (view with { State = ConfirmationState.AlreadyConfirmed }, null, row, issuedAt);
        }
        if (time.GetUtcNow() > expiresAt)
        {
            return (null, NewsletterMessages.ConfirmationExpired, row, issuedAt);
        }
        if (status is SubscriberStatus.Bounced or SubscriberStatus.Complained
            || (await suppressions.GetAsync(id, cancellationToken))?.BlocksRequests == true)
        {
            return (null, NewsletterMessages.RequestGone, row, issuedAt);
        }
        // A link sent before the person unsubscribed does not undo the unsubscription (token times are whole seconds).
        if (status == SubscriberStatus.Unsubscribed && issuedAt < row.StatusChangedAt.AddTicks(-(row.StatusChangedAt.Ticks % TimeSpan.TicksPerSecond)))
        {
            return (null, NewsletterMessages.LinkBeforeUnsubscribe, row, issuedAt);
        }
        return (view, null, row, issuedAt);
    }

    private async Task RequestAsync(string email, SubscriberSource source, string sourceDetail, string consentVersion, string? emailIdSeed, CancellationToken cancellationToken)
    {
        var id = ids.For(email);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var row = await subscribers.GetAsync(id, cancellationToken);
            var status = row?.StatusValue();
            if (status is SubscriberStatus.Bounced or SubscriberStatus.Complained
                || (await suppressions.GetAsync(id, cancellationToken))?.BlocksRequests == true)
            {
                LogBlocked(id);
                return;
            }
            var now = time.GetUtcNow();
            if (row?.LastEmailAt is { } last && now - last < options.Value.RequestEmailInterval)
            {
                return;
            }
            var active = status == SubscriberStatus.Active;
            var kind = active ? "notice" : "confirm";
            var emailId = $"nl-{kind}-{id}-{emailIdSeed ?? now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            await outbox.PrepareAsync(active ? emails.AlreadySubscribed(email, id) : emails.Confirmation(email, id, now), Marker(id), emailId, cancellationToken);

            bool written;
            if (row is null)
            {
                written = await subscribers.TryAddAsync(new SubscriberEntity
                {
                    RowKey = id,
                    Email = email,
                    Status = nameof(SubscriberStatus.Pending),
                    CreatedAt = now,
                    StatusChangedAt = now,
                    Source = source.ToString(),
                    SourceDetail = sourceDetail,
                    LegalBasis = nameof(LegalBasis.Consent),
                    RequestedAt = now,
                    RequestSource = source.ToString(),
                    RequestSourceDetail = sourceDetail,
                    RequestConsentVersion = consentVersion,
                    LastEmailAt = now,
                    LastInteractionAt = now,
                }, cancellationToken);
            }
            else
            {
                if (!active)
                {
                    row.RequestedAt = now;
                    row.RequestSource = source.ToString();
                    row.RequestSourceDetail = sourceDetail;
                    row.RequestConsentVersion = consentVersion;
                }
                row.LastEmailAt = now;
                written = await subscribers.TryUpdateAsync(row, cancellationToken);
            }
            if (written)
            {
                await outbox.DispatchAsync(emailId, cancellationToken);
                LogRequested(id, kind, source);
                return;
            }
        }
        throw new InvalidOperationException("The subscriber kept changing during five request attempts.");
    }

    private static EmailCommitMarker Marker(string subscriberId) => new(SubscriberStore.TableName, SubscriberStore.Partition, subscriberId);

    private static string? ValidateEmail(ValidationErrors errors, string? value)
    {
        var email = value?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            errors.Add("email", NewsletterMessages.EmailMissing);
            return null;
        }
        if (!EmailAddresses.IsValid(email))
        {
            errors.Add("email", NewsletterMessages.EmailInvalid);
            return null;
        }
        return EmailAddresses.Normalize(email);
    }

    [LoggerMessage(LogLevel.Information, "Newsletter request for {SubscriberId}: {Kind} e-mail recorded ({Source})")]
    private partial void LogRequested(string subscriberId, string kind, SubscriberSource source);

    [LoggerMessage(LogLevel.Information, "Newsletter request for {SubscriberId} ignored: the address bounced or complained")]
    private partial void LogBlocked(string subscriberId);

    [LoggerMessage(LogLevel.Information, "Newsletter subscriber {SubscriberId} confirmed (source {Source})")]
    private partial void LogConfirmed(string subscriberId, string source);

    [LoggerMessage(LogLevel.Warning, "Newsletter subscription request rate-limited for {RetryAfter}")]
    private partial void LogLimited(TimeSpan retryAfter);
}
