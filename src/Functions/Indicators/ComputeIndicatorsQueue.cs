using Microstructures.Core.Indicators;
using Microstructures.Core.Submissions;

namespace Microstructures.Functions.Indicators;

// Queue compute-indicators -> a submission's rows written and the facts of its microstructures
// recomputed (IndicatorComputation: idempotent, safe beside other messages for the same network).
// Failures propagate: QueueFailureMiddleware records them, the host retries and then poisons.
public sealed class ComputeIndicatorsQueue(IndicatorComputation computation)
{
    [Function("ComputeIndicators")]
    public Task RunAsync([QueueTrigger(ComputeIndicatorsMessage.QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        computation.ProcessAsync(message, cancellationToken);
}
