namespace Microstructures.DevHost.Worker;

// One started worker: its process, its stream and the HttpUri it announced (ASP.NET Core integration).
internal sealed class RunningWorker(WorkerProcess process, WorkerChannel channel)
{
    public WorkerProcess Process => process;

    public WorkerChannel Channel => channel;

    public Uri? HttpUri { get; set; }

    private volatile bool _restartRequested;

    // Killed on purpose (function timeout): restarted without counting as an error.
    public bool RestartRequested
    {
        get => _restartRequested;
        set => _restartRequested = value;
    }
}
