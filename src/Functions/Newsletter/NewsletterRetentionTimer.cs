using Microstructures.Core.Newsletter;

namespace Microstructures.Functions.Newsletter;

// Daily at 03:45 UTC: re-permission e-mails 30 days ahead, then deletion of subscribers silent for three
// years, of requests never confirmed, and of old unsubscribed rows (their hashed suppression stays).
public sealed partial class NewsletterRetentionTimer(SubscriberRetention retention, ILogger<NewsletterRetentionTimer> logger)
{
    [Function("NewsletterRetention")]
    public async Task RunAsync([TimerTrigger("0 45 3 * * *", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var report = await retention.RunAsync(cancellationToken);
        LogRun(report.RepermissionsSent, report.Purged + report.UnconfirmedPurged + report.InactivePurged);
    }

    [LoggerMessage(LogLevel.Information, "Newsletter retention: {Repermissions} re-permission e-mails, {Deleted} rows deleted")]
    private partial void LogRun(int repermissions, int deleted);
}
