using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Queues;
using Microstructures.DevHost.Timers;

namespace Microstructures.DevHost.Admin;

// What the running DevHost drives, shared by the admin endpoints and the pages.
internal sealed class DevHostState(
    IReadOnlyList<FunctionDefinition> functions, IReadOnlyList<QueueListener> queues, IReadOnlyList<TimerRunner> timers, string hostId)
{
    private readonly List<Task> _manualRuns = [];

    public IReadOnlyList<FunctionDefinition> Functions { get; } = functions;

    public IReadOnlyList<QueueListener> Queues { get; } = queues;

    public IReadOnlyList<TimerRunner> Timers { get; } = timers;

    public string HostId { get; } = hostId;

    public CancellationTokenSource Stopping { get; } = new();

    public void Track(Task run)
    {
        lock (_manualRuns)
        {
            _manualRuns.RemoveAll(t => t.IsCompleted);
            _manualRuns.Add(run);
        }
    }

    public Task[] PendingRuns()
    {
        lock (_manualRuns)
        {
            return [.. _manualRuns];
        }
    }
}
