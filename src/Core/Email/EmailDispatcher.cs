using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;

namespace Microstructures.Core.Email;

public enum DeliveryOutcome
{
    Sent,
    AlreadySettled,
    InProgressElsewhere,
    RejectedByProvider,
    UnknownEmail,
}

public sealed class EmailDeliveryException(string message) : Exception(message);

// Sends one recorded e-mail at most once per claim. Safe to run twice for the same id: the
// ETag-checked claim lets one delivery through; a settled e-mail is never sent again.
public sealed class EmailDispatcher(EmailStore store, IEmailSender sender, TimeProvider time, IOptions<EmailOptions> options, PlatformMetrics metrics, ILogger<EmailDispatcher> logger)
{
    public async Task<DeliveryOutcome> DeliverAsync(string emailId, CancellationToken cancellationToken = default)
    {
        var record = await store.GetAsync(emailId, cancellationToken);
        if (record is null)
        {
            logger.LogWarning("E-mail {EmailId} is not recorded (purged, never prepared, or an id no e-mail can have); nothing to send", emailId);
            return DeliveryOutcome.UnknownEmail;
        }
        if (EmailStatus.IsSettled(record.Status))
        {
            return DeliveryOutcome.AlreadySettled;
        }
        var now = time.GetUtcNow();
        if (record.Status == EmailStatus.Sending && now - record.SendingStartedAt < options.Value.ReconcileDelay)
        {
            // Another delivery is sending it, or crashed after calling the provider: the webhook or, after
            // ReconcileDelay, the sweeper settles it. Sending now would risk a duplicate.
            return DeliveryOutcome.InProgressElsewhere;
        }

        record.Status = EmailStatus.Sending;
        record.SendingStartedAt = now;
        record.Attempts++;
        if (!await store.TryUpdateAsync(record, cancellationToken))
        {
            return DeliveryOutcome.InProgressElsewhere;
        }

        var message = await store.ReadMessageAsync(record, cancellationToken);
        // From here until the record below is written, a crash leaves the outcome unknown: the
        // provider may have accepted the e-mail. SendGrid has no idempotency key, so this is the one
        // window where a duplicate can happen (resolved by the webhook's processed event, else by a
        // re-send after ReconcileDelay).
        var result = await sender.SendAsync(emailId, message, cancellationToken);

        switch (result.Status)
        {
            case EmailSendStatus.Accepted:
                record.Status = EmailStatus.Sent;
                record.SettledAt = time.GetUtcNow();
                record.ProviderMessageId = result.ProviderMessageId;
                record.LastError = null;
                // A stale ETag here means the webhook settled it first: either way it is sent.
                await store.SettleAsync(record, cancellationToken);
                metrics.EmailsSent(record.Category);
                logger.LogInformation("Sent e-mail {EmailId} ({Category})", emailId, record.Category);
                return DeliveryOutcome.Sent;

            case EmailSendStatus.Permanent:
                record.Status = EmailStatus.Failed;
                record.SettledAt = time.GetUtcNow();
                record.LastError = Truncate($"{result.HttpStatus}: {result.Detail}");
                await store.SettleAsync(record, cancellationToken);
                metrics.EmailsFailed(record.Category);
                logger.LogError("Provider refused e-mail {EmailId} ({Category}) with {Status}: {Detail}", emailId, record.Category, result.HttpStatus, result.Detail);
                return DeliveryOutcome.RejectedByProvider;

            default:
                var giveUp = record.Attempts >= options.Value.MaxAttempts;
                record.Status = giveUp ? EmailStatus.Failed : EmailStatus.Pending;
                record.SendingStartedAt = null;
                record.LastError = Truncate($"{result.HttpStatus}: {result.Detail}");
                if (giveUp)
                {
                    record.SettledAt = time.GetUtcNow();
                    await store.SettleAsync(record, cancellationToken);
                    metrics.EmailsFailed(record.Category);
                    logger.LogError("Gave up e-mail {EmailId} after {Attempts} attempts: {Detail}", emailId, record.Attempts, result.Detail);
                    return DeliveryOutcome.RejectedByProvider;
                }
                await store.TryUpdateAsync(record, cancellationToken);
                // Failing the invocation makes the host retry the queue message (then poison it; the
                // pending row stays, so the sweeper queues it again later: it is never lost).
                throw new EmailDeliveryException($"Provider answered {result.HttpStatus} for e-mail {emailId}: {result.Detail}");
        }
    }

    private static string Truncate(string value) => value.Length <= 1000 ? value : value[..1000];
}
