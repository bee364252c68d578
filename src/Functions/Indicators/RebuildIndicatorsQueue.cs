using Microstructures.Core.Indicators;

namespace Microstructures.Functions.Indicators;

// Queue rebuild-indicators -> the staff's rebuild of every fact and indicator from the raw submissions,
// run as a job (IndicatorRebuildJobs: claimed, resumable after a retry or a timeout, one at a time).
public sealed class RebuildIndicatorsQueue(IndicatorRebuildJobs jobs)
{
    [Function("RebuildIndicatorsJob")]
    public Task RunAsync([QueueTrigger(RebuildIndicatorsMessage.QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        jobs.RunAsync(message, cancellationToken);
}
