using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Newsletter;

public sealed class NewsletterDeliveryException(string message) : Exception(message);

public enum BatchOutcome
{
    // This call sent (or skipped, or failed for good) what was open in the batch.
    Handled,
    AlreadyDone,

    // Deliveries claimed by a call whose outcome is unknown (a crash, or another instance right now):
    // settled by the provider's events, or sent again once ReconcileDelay has passed.
    Waiting,
    UnknownBatch,
}

public sealed record BatchReport(BatchOutcome Outcome, int SentNow, int Sent, int Failed, int Skipped, int Open);

// The newsletter-batches queue handler: one provider call per batch (SendGrid personalizations, each
// with its own unsubscribe link and custom args), each recipient at most once.
// Per delivery row (newsletterdeliveries): Planned → claimed Sending (ETag-checked, before the call)
// → Sent / Failed after it, or back to Planned on a transient error (the exception makes the host
// retry the message). What a crash leaves and what happens next:
// - before the call: rows Sending with no provider event; after ReconcileDelay they are claimed and
//   sent again (they were never sent);
// - after the call, before settling: rows Sending; the Event Webhook's processed events (custom arg
//   nl_delivery) settle them Sent, so nothing goes twice. Only when no event came within
//   ReconcileDelay are they sent again: the one window where a duplicate is possible (SendGrid has no
//   idempotency key);
// - after settling: rows Sent; a retried message finds nothing open.
// Subscribers unsubscribed, bounced, complained, erased or suppressed since the batch was cut are
// skipped at send time. A retried or duplicated message, or two instances at once, send each row once:
// only the claim's winner sends it.
public sealed partial class NewsletterBatchSender(
    CampaignStore campaigns, SubscriberStore subscribers, SuppressionStore suppressions, CampaignMonitor monitor, NewsletterLinks links,
    NewsletterThrottle throttle, IEmailSender sender, TimeProvider time, IOptions<NewsletterOptions> options, PlatformMetrics metrics, ILogger<NewsletterBatchSender> logger)
{
    public const string CampaignArg = "nl_campaign";
    public const string DeliveryArg = "nl_delivery";

    private readonly ConcurrentDictionary<NewsletterMonth, CampaignSnapshot> _snapshots = new();

    public async Task<BatchReport> SendAsync(NewsletterBatchMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!NewsletterMonth.TryParse(message.Month, out var month) || await campaigns.GetBatchAsync(month, message.Batch, cancellationToken) is not { } batch)
        {
            LogUnknown(message.Month, message.Batch);
            return new BatchReport(BatchOutcome.UnknownBatch, 0, 0, 0, 0, 0);
        }
        if (batch.Done)
        {
            return new BatchReport(BatchOutcome.AlreadyDone, 0, batch.Sent, batch.Failed, batch.Skipped, 0);
        }
        var rows = await campaigns.ListDeliveriesAsync(month, batch, cancellationToken);
        var people = await subscribers.ListRecipientsAsync(batch.After, batch.Last, cancellationToken);
        var suppressed = await suppressions.ListRangeAsync(batch.After, batch.Last, cancellationToken);
        var now = time.GetUtcNow();
        var closing = new List<DeliveryEntity>();
        var candidates = new List<DeliveryEntity>();
        foreach (var row in rows.Where(r => IsOpen(r, now)))
        {
            var skip = !people.TryGetValue(row.SubscriberId, out var person) ? "no longer subscribed"
                : person.Status != SubscriberStatus.Active ? person.Status.ToString()
                : suppressed.Contains(row.SubscriberId) ? "suppressed"
                : null;
            if (skip is not null || row.Attempts >= options.Value.MaxAttempts)
            {
                row.Status = skip is null ? nameof(DeliveryStatus.Failed) : nameof(DeliveryStatus.Skipped);
                row.LastError = skip ?? $"gave up after {row.Attempts} attempts: {row.LastError}";
                row.SettledAt = now;
                row.SendingStartedAt = null;
                closing.Add(row);
            }
            else
            {
                candidates.Add(row);
            }
        }
        var closed = await campaigns.TryUpdateDeliveriesAsync(closing, cancellationToken);
        metrics.EmailsFailed(NewsletterEmails.IssueCategory, closed.Count(r => r.Status == nameof(DeliveryStatus.Failed)));

        var sentNow = 0;
        EmailSendResult? transient = null;
        if (candidates.Count > 0)
        {
            await throttle.WaitAsync(cancellationToken);
            now = time.GetUtcNow();
            foreach (var row in candidates)
            {
                row.Status = nameof(DeliveryStatus.Sending);
                row.SendingStartedAt = now;
                row.Attempts++;
            }
            var claimed = await campaigns.TryUpdateDeliveriesAsync(candidates, cancellationToken);
            if (claimed.Count > 0)
            {
                var snapshot = await SnapshotAsync(month, cancellationToken);
                // From the claim until the settle below, a crash leaves these rows Sending: see the class comment.
                var result = await sender.SendBatchAsync(Compose(snapshot, month, batch.Number, claimed, people), cancellationToken);
                sentNow = await SettleAsync(claimed, result, cancellationToken);
                transient = result.Status == EmailSendStatus.Transient ? result : null;
            }
        }

        var report = await RecountAsync(month, batch, sentNow, cancellationToken);
        if (transient is not null)
        {
            // The host retries the message (then poisons it; the monitor queues the batch again later).
            throw new NewsletterDeliveryException($"Provider answered {transient.HttpStatus} for newsletter batch {month}/{batch.Number}: {transient.Detail}");
        }
        return report;
    }

    private bool IsOpen(DeliveryEntity row, DateTimeOffset now) => row.StatusValue() switch
    {
        DeliveryStatus.Planned => true,
        DeliveryStatus.Sending => now - row.SendingStartedAt >= options.Value.ReconcileDelay,
        _ => false,
    };

    private EmailBatch Compose(CampaignSnapshot snapshot, NewsletterMonth month, int number, IReadOnlyList<DeliveryEntity> claimed, Dictionary<string, Recipient> people) => new()
    {
        Subject = snapshot.Subject,
        Html = snapshot.Html,
        Text = snapshot.Text,
        Category = NewsletterEmails.IssueCategory,
        Headers = new Dictionary<string, string> { [NewsletterLinks.ListUnsubscribePost] = NewsletterLinks.OneClick },
        CustomArgs = new Dictionary<string, string> { [CampaignArg] = month.ToString() },
        Recipients = claimed.Select(row =>
        {
            var unsubscribe = links.Unsubscribe(row.SubscriberId).ToString();
            return new EmailBatchRecipient
            {
                To = people[row.SubscriberId].Email,
                Substitutions = new Dictionary<string, string> { [IssueRenderer.UnsubscribePlaceholder] = unsubscribe },
                Headers = new Dictionary<string, string> { [NewsletterLinks.ListUnsubscribe] = $"<{unsubscribe}>" },
                CustomArgs = new Dictionary<string, string> { [DeliveryArg] = new DeliveryKey(month, number, row.SubscriberId).ToString() },
            };
        }).ToList(),
    };

    // Returns how many were settled as sent by this call.
    private async Task<int> SettleAsync(IReadOnlyList<DeliveryEntity> claimed, EmailSendResult result, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var detail = $"{result.HttpStatus}: {result.Detail}";
        foreach (var row in claimed)
        {
            switch (result.Status)
            {
                case EmailSendStatus.Accepted:
                    row.Status = nameof(DeliveryStatus.Sent);
                    row.SettledAt = now;
                    row.ProviderMessageId = result.ProviderMessageId;
                    row.LastError = null;
                    break;
                case EmailSendStatus.Permanent:
                    row.Status = nameof(DeliveryStatus.Failed);
                    row.SettledAt = now;
                    row.LastError = detail.Length <= 1000 ? detail : detail[..1000];
                    break;
                default:
                    row.Status = nameof(DeliveryStatus.Planned);
                    row.SendingStartedAt = null;
                    row.LastError = detail.Length <= 1000 ? detail : detail[..1000];
                    break;
            }
        }
        // A row whose ETag went stale was settled by the webhook first: it is sent either way.
        var written = await campaigns.TryUpdateDeliveriesAsync(claimed, cancellationToken);
        if (result.Status == EmailSendStatus.Permanent)
        {
            metrics.EmailsFailed(NewsletterEmails.IssueCategory, written.Count);
            LogRefused(claimed.Count, result.HttpStatus, result.Detail);
        }
        else if (result.Status == EmailSendStatus.Accepted)
        {
            metrics.EmailsSent(NewsletterEmails.IssueCategory, written.Count);
        }
        return result.Status == EmailSendStatus.Accepted ? written.Count : 0;
    }

    private async Task<BatchReport> RecountAsync(NewsletterMonth month, BatchEntity batch, int sentNow, CancellationToken cancellationToken)
    {
        var rows = await campaigns.ListDeliveriesAsync(month, batch, cancellationToken);
        var counts = rows.GroupBy(r => r.StatusValue()).ToDictionary(g => g.Key, g => g.Count());
        var open = counts.GetValueOrDefault(DeliveryStatus.Planned) + counts.GetValueOrDefault(DeliveryStatus.Sending);
        batch.Recipients = rows.Count;
        batch.Sent = counts.GetValueOrDefault(DeliveryStatus.Sent);
        batch.Failed = counts.GetValueOrDefault(DeliveryStatus.Failed);
        batch.Skipped = counts.GetValueOrDefault(DeliveryStatus.Skipped);
        batch.Done = open == 0;
        batch.LastActivityAt = time.GetUtcNow();
        await campaigns.UpdateBatchProgressAsync(batch, cancellationToken);
        if (batch.Done)
        {
            await monitor.TryCompleteAsync(month, cancellationToken);
        }
        if (sentNow > 0)
        {
            LogSent(month.ToString(), batch.Number, sentNow, open);
        }
        return new BatchReport(open == 0 || sentNow > 0 ? BatchOutcome.Handled : BatchOutcome.Waiting, sentNow, batch.Sent, batch.Failed, batch.Skipped, open);
    }

    private async Task<CampaignSnapshot> SnapshotAsync(NewsletterMonth month, CancellationToken cancellationToken)
    {
        if (!_snapshots.TryGetValue(month, out var snapshot))
        {
            snapshot = await campaigns.ReadSnapshotAsync(month, cancellationToken);
            _snapshots.TryAdd(month, snapshot);
        }
        return snapshot;
    }

    [LoggerMessage(LogLevel.Warning, "Newsletter batch {Month}/{Batch} is unknown: nothing to send")]
    private partial void LogUnknown(string month, int batch);

    [LoggerMessage(LogLevel.Information, "Newsletter {Month} batch {Batch}: {Sent} sent now, {Open} still open")]
    private partial void LogSent(string month, int batch, int sent, int open);

    [LoggerMessage(LogLevel.Error, "Provider refused a newsletter call of {Count} recipients with {Status}: {Detail}")]
    private partial void LogRefused(int count, int? status, string? detail);
}
