using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Newsletter;

public sealed record RetentionReport(int RepermissionsSent, int Purged, int UnconfirmedPurged, int InactivePurged);

public sealed record StayView(string MaskedEmail, DateTimeOffset PurgeAt, bool Stayed);

// The retention run (a daily timer) and the re-permission it asks for. Click tracking is off, so an
// interaction is something the subscriber did on the platform: confirming, pressing "rester inscrit·e"
// (or an import, which starts the clock for professional contacts).
// - An active subscriber whose last interaction is RetentionYears old is deleted, but never before a
//   re-permission e-mail sent RepermissionLeadDays earlier at least: the e-mail goes when the purge is
//   that close, and the purge waits for the lead after it.
// - A request never confirmed is deleted UnconfirmedRetentionDays after it was made.
// - Unsubscribed, bounced and complained rows are deleted RetentionYears after that change; their
//   hashed suppression entry stays.
// Safe to run twice or to crash midway: the re-permission e-mail has a deterministic id per
// interaction, and every delete is conditional on the row not having changed since it was read.
public sealed partial class SubscriberRetention(
    SubscriberStore subscribers, NewsletterTokens tokens, NewsletterEmails emails, EmailOutbox outbox, TimeProvider time,
    IOptions<NewsletterOptions> options, ILogger<SubscriberRetention> logger)
{
    public async Task<RetentionReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var lead = TimeSpan.FromDays(options.Value.RepermissionLeadDays);
        int repermissions = 0, purged = 0, unconfirmed = 0, inactive = 0;
        var rows = new List<SubscriberEntity>();
        await foreach (var row in subscribers.ListAsync(cancellationToken))
        {
            rows.Add(row);
        }
        foreach (var row in rows)
        {
            switch (row.StatusValue())
            {
                case SubscriberStatus.Active when row.RepermissionSentAt is { } sent && sent >= row.LastInteractionAt:
                    if (now >= PurgeAt(row) && await subscribers.TryDeleteAsync(row, cancellationToken))
                    {
                        purged++;
                    }
                    break;
                case SubscriberStatus.Active when now >= LastDay(row) - lead:
                    var emailId = $"nl-stay-{row.SubscriberId}-{row.LastInteractionAt.ToUnixTimeSeconds()}";
                    var purgeAt = Max(LastDay(row), now + lead);
                    await outbox.SendAsync(emails.Repermission(row.Email, row.SubscriberId, purgeAt), emailId, cancellationToken);
                    row.RepermissionSentAt = now;
                    if (await subscribers.TryUpdateAsync(row, cancellationToken))
                    {
                        repermissions++;
                    }
                    break;
                case SubscriberStatus.Pending when now >= (row.RequestedAt ?? row.CreatedAt).AddDays(options.Value.UnconfirmedRetentionDays):
                    unconfirmed += await subscribers.TryDeleteAsync(row, cancellationToken) ? 1 : 0;
                    break;
                case SubscriberStatus.Unsubscribed or SubscriberStatus.Bounced or SubscriberStatus.Complained
                    when now >= Max(row.StatusChangedAt, row.RequestedAt ?? row.StatusChangedAt).AddYears(options.Value.RetentionYears):
                    inactive += await subscribers.TryDeleteAsync(row, cancellationToken) ? 1 : 0;
                    break;
            }
        }
        var report = new RetentionReport(repermissions, purged, unconfirmed, inactive);
        if (repermissions + purged + unconfirmed + inactive > 0)
        {
            LogRun(repermissions, purged, unconfirmed, inactive);
        }
        return report;
    }

    // GET of the re-permission link: the page with the "rester inscrit·e" button.
    public async Task<Result<StayView>> OpenStayAsync(string? token, CancellationToken cancellationToken = default)
    {
        var row = await ActiveAsync(token, cancellationToken);
        return row is null
            ? Result<StayView>.NotFound(tokens.ReadStay(token) is null ? NewsletterMessages.InvalidLink : NewsletterMessages.SubscriptionGone)
            : Result<StayView>.Success(new StayView(NewsletterMessages.Mask(row.Email), PurgeAt(row), false));
    }

    // The button: an interaction, the retention clock starts again.
    public async Task<Result<StayView>> StayAsync(string? token, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var row = await ActiveAsync(token, cancellationToken);
            if (row is null)
            {
                return Result<StayView>.NotFound(tokens.ReadStay(token) is null ? NewsletterMessages.InvalidLink : NewsletterMessages.SubscriptionGone);
            }
            row.LastInteractionAt = time.GetUtcNow();
            row.RepermissionSentAt = null;
            if (await subscribers.TryUpdateAsync(row, cancellationToken))
            {
                return Result<StayView>.Success(new StayView(NewsletterMessages.Mask(row.Email), PurgeAt(row), true));
            }
        }
        throw new InvalidOperationException("The subscriber kept changing during five attempts.");
    }

    // When an active subscriber will be deleted without a new interaction.
    public DateTimeOffset PurgeAt(SubscriberEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.RepermissionSentAt is { } sent && sent >= row.LastInteractionAt
            ? Max(LastDay(row), sent.AddDays(options.Value.RepermissionLeadDays))
            : LastDay(row);
    }

    private DateTimeOffset LastDay(SubscriberEntity row) => row.LastInteractionAt.AddYears(options.Value.RetentionYears);

    private async Task<SubscriberEntity?> ActiveAsync(string? token, CancellationToken cancellationToken) =>
        tokens.ReadStay(token) is { } id && await subscribers.GetAsync(id, cancellationToken) is { } row && row.StatusValue() == SubscriberStatus.Active ? row : null;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(LogLevel.Information, "Newsletter retention: {Repermissions} re-permission e-mails, {Purged} inactive subscribers deleted, {Unconfirmed} unconfirmed requests deleted, {Inactive} unsubscribed or bounced rows deleted")]
    private partial void LogRun(int repermissions, int purged, int unconfirmed, int inactive);
}
