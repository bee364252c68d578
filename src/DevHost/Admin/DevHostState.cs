using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Queues;
using Microstructures.DevHost.Timers;
using Microstructures.DevHost.Worker;

namespace Microstructures.DevHost.Admin;

// What the running DevHost drives, shared by the admin endpoints and the pages. The HTTP server
// listens before the worker has indexed its functions: the lists are empty until Initialize.
internal sealed class DevHostState(string hostId, WorkerSupervisor workers)
{
    private readonly List<Task> _manualRuns = [];

    public IReadOnlyList<FunctionDefinition> Functions { get; private set; } = [];

    public IReadOnlyList<QueueListener> Queues { get; private set; } = [];

    public IReadOnlyList<TimerRunner> Timers { get; private set; } = [];

    public string HostId { get; } = hostId;

    public WorkerSupervisor Workers { get; } = workers;

    public CancellationTokenSource Stopping { get; } = new();

    public void Initialize(IReadOnlyList<FunctionDefinition> functions, IReadOnlyList<QueueListener> queues, IReadOnlyList<TimerRunner> timers)
    {
        Functions = functions;
        Queues = queues;
        Timers = timers;
    }

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
