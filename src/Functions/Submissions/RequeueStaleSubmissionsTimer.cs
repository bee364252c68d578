using Microstructures.Core.Submissions;

namespace Microstructures.Functions.Submissions;

// Every 10 minutes: a receipt still queued after Submissions__RequeueAfter (its message lost between
// the receipt and the queue) gets its compute-indicators message again; processing is idempotent.
public sealed partial class RequeueStaleSubmissionsTimer(SubmissionService submissions, ILogger<RequeueStaleSubmissionsTimer> logger)
{
    [Function("RequeueStaleSubmissions")]
    public async Task RunAsync([TimerTrigger("0 */10 * * * *", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var requeued = await submissions.RequeueStaleAsync(cancellationToken);
        if (requeued > 0)
        {
            LogRequeued(requeued);
        }
    }

    [LoggerMessage(LogLevel.Warning, "{Count} submissions left queued were queued again")]
    private partial void LogRequeued(int count);
}
