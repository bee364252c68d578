using Azure;
using Azure.Storage.Queues;
using Microstructures.Core.Common;

namespace Microstructures.Core.Queues;

// Storage metrics have no per-queue message count, so the alert on poisoned messages reads this:
// every "*-poison" queue of the account with its approximate count, empty ones included (an alert
// resolves when its queue is back to 0), recorded as the gauge PoisonQueueLength tagged "queue".
public sealed class PoisonQueueLengths(QueueServiceClient queues, PlatformMetrics metrics)
{
    public async Task<IReadOnlyDictionary<string, int>> RecordAsync(CancellationToken cancellationToken = default)
    {
        var lengths = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await foreach (var item in queues.GetQueuesAsync(cancellationToken: cancellationToken))
        {
            if (!item.Name.EndsWith(PoisonQueueService.Suffix, StringComparison.Ordinal))
            {
                continue;
            }
            try
            {
                var properties = await queues.GetQueueClient(item.Name).GetPropertiesAsync(cancellationToken);
                lengths[item.Name] = properties.Value.ApproximateMessagesCount;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Deleted since the listing (the staff emptied it): nothing left to count.
            }
        }
        foreach (var (queue, length) in lengths)
        {
            metrics.PoisonQueueLength(queue, length);
        }
        return lengths;
    }
}
