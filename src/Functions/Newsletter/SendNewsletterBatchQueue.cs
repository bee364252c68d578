using Microstructures.Core.Newsletter;

namespace Microstructures.Functions.Newsletter;

// Queue newsletter-batches -> one provider call for up to 1,000 recipients of a campaign. Safe to run
// twice: each recipient's delivery row is claimed before the call and settled after. A provider
// 429/5xx throws, so the host retries the message (then poisons it; the monthly run queues the batch
// again later).
public sealed partial class SendNewsletterBatchQueue(NewsletterBatchSender sender, ILogger<SendNewsletterBatchQueue> logger)
{
    [Function("SendNewsletterBatch")]
    public async Task RunAsync([QueueTrigger(CampaignStore.QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
    {
        var batch = CampaignStore.ParseMessage(message)
            ?? throw new FormatException("The newsletter-batches message is not {\"month\": \"yyyy-MM\", \"batch\": n}.");
        var report = await sender.SendAsync(batch, cancellationToken);
        LogSent(batch.Month, batch.Batch, report.Outcome, report.SentNow, report.Open);
    }

    [LoggerMessage(LogLevel.Information, "Newsletter batch {Month}/{Batch}: {Outcome}, {SentNow} sent now, {Open} still open")]
    private partial void LogSent(string month, int batch, BatchOutcome outcome, int sentNow, int open);
}
