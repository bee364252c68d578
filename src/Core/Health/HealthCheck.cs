using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Microstructures.Core.Health;

public sealed record ComponentHealth(string Name, bool Reachable, string? Error);

public sealed record HealthReport(bool Healthy, IReadOnlyList<ComponentHealth> Components)
{
    public IEnumerable<string> Down => Components.Where(c => !c.Reachable).Select(c => c.Name);
}

// Pings the three storage services in parallel, each with its own short deadline, so a health
// probe answers quickly even when one service hangs instead of refusing.
public sealed class HealthCheck(BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken = default)
    {
        var components = await Task.WhenAll(
            ProbeAsync("blob", ct => blobs.GetBlobContainersAsync(cancellationToken: ct).AsPages(pageSizeHint: 1).GetAsyncEnumerator(ct).MoveNextAsync().AsTask(), cancellationToken),
            ProbeAsync("queue", ct => queues.GetQueuesAsync(cancellationToken: ct).AsPages(pageSizeHint: 1).GetAsyncEnumerator(ct).MoveNextAsync().AsTask(), cancellationToken),
            ProbeAsync("table", ct => tables.QueryAsync(maxPerPage: 1, cancellationToken: ct).AsPages(pageSizeHint: 1).GetAsyncEnumerator(ct).MoveNextAsync().AsTask(), cancellationToken));
        return new HealthReport(components.All(c => c.Reachable), components);
    }

    private static async Task<ComponentHealth> ProbeAsync(string name, Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Deadline);
        try
        {
            await probe(timeout.Token);
            return new ComponentHealth(name, true, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ComponentHealth(name, false, ex is OperationCanceledException ? "timeout" : ex.GetType().Name);
        }
    }
}
