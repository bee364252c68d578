using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;

namespace Microstructures.Core.Newsletter;

public enum UnsubscribeChannel
{
    // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the List-Unsubscribe URL.
    OneClick,

    // The button of the page the visible link opens.
    Page,
}

// What the provider tells of an address (IProviderEventHandler → ApplyProviderSignalAsync).
public enum SubscriberSignal
{
    Unsubscribed,
    Bounced,
    Complained,
}

// Unsubscribed: true once the address receives nothing more (already, or by this request).
public sealed record UnsubscribeView(string MaskedEmail, bool Unsubscribed);

// Leaving the list: by the signed link of any e-mail (one-click POST or the page's button; opening
// the page changes nothing), or by what the provider reports (hard bounces, spam reports, its own
// unsubscribe events). Each records the hashed suppression first, then the subscriber's status, and
// a status only ever moves forward (Pending/Active → Unsubscribed → Bounced → Complained).
public sealed partial class Unsubscriptions(
    SubscriberStore subscribers, SuppressionStore suppressions, SubscriberIds ids, NewsletterTokens tokens, TimeProvider time, ILogger<Unsubscriptions> logger)
{
    private const int MaxAttempts = 5;

    // GET of the unsubscribe link: the page with its button.
    public async Task<Result<UnsubscribeView>> OpenAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (tokens.ReadUnsubscribe(token) is not { } id)
        {
            return Result<UnsubscribeView>.NotFound(NewsletterMessages.InvalidLink);
        }
        var row = await subscribers.GetAsync(id, cancellationToken);
        return Result<UnsubscribeView>.Success(new UnsubscribeView(NewsletterMessages.Mask(row?.Email),
            row is null || Rank(row.StatusValue()) >= Rank(SubscriberStatus.Unsubscribed)));
    }

    // The one-click POST or the page's button. Idempotent; an erased address stays suppressed.
    public async Task<Result<UnsubscribeView>> UnsubscribeAsync(string? token, UnsubscribeChannel channel, CancellationToken cancellationToken = default)
    {
        if (tokens.ReadUnsubscribe(token) is not { } id)
        {
            return Result<UnsubscribeView>.NotFound(NewsletterMessages.InvalidLink);
        }
        var row = await MoveAsync(id, SubscriberStatus.Unsubscribed, channel == UnsubscribeChannel.OneClick ? "one-click" : "page", cancellationToken);
        LogUnsubscribed(id, channel);
        return Result<UnsubscribeView>.Success(new UnsubscribeView(NewsletterMessages.Mask(row?.Email), true));
    }

    // The Core method the provider's event handler calls for an address it reports.
    public async Task ApplyProviderSignalAsync(string email, SubscriberSignal signal, string? reason, CancellationToken cancellationToken = default)
    {
        if (!EmailAddresses.IsValid(email?.Trim()))
        {
            return;
        }
        var status = signal switch
        {
            SubscriberSignal.Bounced => SubscriberStatus.Bounced,
            SubscriberSignal.Complained => SubscriberStatus.Complained,
            _ => SubscriberStatus.Unsubscribed,
        };
        var id = ids.For(email!);
        await MoveAsync(id, status, Truncate("provider: " + (reason ?? signal.ToString())), cancellationToken);
        LogSignal(id, signal);
    }

    private async Task<SubscriberEntity?> MoveAsync(string id, SubscriberStatus target, string reason, CancellationToken cancellationToken)
    {
        await suppressions.SuppressAsync(id, target switch
        {
            SubscriberStatus.Bounced => SuppressionReason.Bounced,
            SubscriberStatus.Complained => SuppressionReason.Complained,
            _ => SuppressionReason.Unsubscribed,
        }, cancellationToken);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var row = await subscribers.GetAsync(id, cancellationToken);
            if (row is null || Rank(row.StatusValue()) >= Rank(target))
            {
                return row;
            }
            var now = time.GetUtcNow();
            row.Status = target.ToString();
            row.StatusChangedAt = now;
            row.StatusReason = reason;
            row.RequestedAt = null;
            row.RequestSource = null;
            row.RequestSourceDetail = null;
            row.RequestConsentVersion = null;
            row.LastInteractionAt = now;
            if (await subscribers.TryUpdateAsync(row, cancellationToken))
            {
                return row;
            }
        }
        throw new InvalidOperationException($"Subscriber {id} kept changing during five attempts to mark it {target}.");
    }

    private static int Rank(SubscriberStatus status) => status switch
    {
        SubscriberStatus.Pending or SubscriberStatus.Active => 0,
        SubscriberStatus.Unsubscribed => 1,
        SubscriberStatus.Bounced => 2,
        _ => 3,
    };

    private static string Truncate(string value) => value.Length <= 500 ? value : value[..500];

    [LoggerMessage(LogLevel.Information, "Newsletter subscriber {SubscriberId} unsubscribed ({Channel})")]
    private partial void LogUnsubscribed(string subscriberId, UnsubscribeChannel channel);

    [LoggerMessage(LogLevel.Information, "Newsletter address {SubscriberId} suppressed: provider reported {Signal}")]
    private partial void LogSignal(string subscriberId, SubscriberSignal signal);
}
