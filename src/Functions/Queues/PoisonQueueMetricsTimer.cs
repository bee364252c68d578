using Microstructures.Core.Queues;

namespace Microstructures.Functions.Queues;

// Every 5 minutes: the approximate count of every "-poison" queue as the metric PoisonQueueLength
// (the poison-messages alert of infra/modules/alerts.bicep evaluates the last 30 minutes).
public sealed partial class PoisonQueueMetricsTimer(PoisonQueueLengths lengths, ILogger<PoisonQueueMetricsTimer> logger)
{
    [Function("PoisonQueueMetrics")]
    public async Task RunAsync([TimerTrigger("0 */5 * * * *", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var poisoned = (await lengths.RecordAsync(cancellationToken)).Where(q => q.Value > 0).ToList();
        if (poisoned.Count > 0)
        {
            LogPoisoned(string.Join(", ", poisoned.Select(q => $"{q.Key} ({q.Value})")));
        }
    }

    [LoggerMessage(LogLevel.Warning, "Messages in poison queues: {Queues}")]
    private partial void LogPoisoned(string queues);
}
