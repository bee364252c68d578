using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Grpc.Messages;

namespace Microstructures.DevHost.Worker;

// One worker process at a time, as the host's dispatcher (RpcFunctionInvocationDispatcher) keeps it:
// started (WorkerStarter), loaded, watched; a worker that exits fails its running invocations at once
// and is restarted (exit code 200 quietly; any other code but 0 counts as an error, and the third
// error within 30 minutes gives up); a restart starts no sooner than RestartInterval after the
// previous start; on stop, WorkerTerminate then a kill after the grace period.
internal sealed class WorkerSupervisor : IAsyncDisposable
{
    public static readonly TimeSpan TerminateGracePeriod = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ErrorWindow = TimeSpan.FromMinutes(30);
    private const int ErrorThreshold = 3;

    private readonly WorkerStarter _starter;
    private readonly TimeSpan _restartInterval;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly List<DateTimeOffset> _errors = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _gaveUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<RunningWorker> _all = [];
    private TaskCompletionSource<RunningWorker> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunningWorker? _current;
    private IReadOnlyList<FunctionDefinition> _functions = [];
    private int _disposed;

    public WorkerSupervisor(GrpcServer server, ProcessLauncher launcher, RpcLogWriter logs, TimeSpan restartInterval, ILoggerFactory loggerFactory)
    {
        _restartInterval = restartInterval;
        _logger = loggerFactory.CreateLogger("Microstructures.DevHost.Worker.Process");
        _starter = new WorkerStarter(server, launcher, logs, _logger);
    }

    public string State { get; private set; } = "Initializing";

    public int? ProcessId
    {
        get
        {
            lock (_lock)
            {
                return _current?.Process.Id;
            }
        }
    }

    // Completes when the worker failed too often to be restarted again (the real host stops there).
    public Task GaveUp => _gaveUp.Task;

    // First start: the process, the handshake and the worker's function metadata. Validation comes
    // next, then LoadAsync; a worker that exits meanwhile fails the start with its exit code.
    public async Task<(RunningWorker Worker, FunctionMetadataResponse Metadata)> StartAsync(WorkerLaunch launch, CancellationToken cancellationToken)
    {
        _starter.Launch = launch;
        var worker = await _starter.LaunchAsync(Track, cancellationToken);
        try
        {
            var metadata = await WorkerStarter.DuringStartAsync(worker, worker.Channel.GetMetadataAsync(launch.ScriptRoot, cancellationToken), "before answering FunctionsMetadataRequest");
            if (metadata.Result is { Status: not StatusResult.Types.Status.Success } failed)
            {
                throw new InvalidOperationException("The worker could not index its functions: " + WorkerStarter.Describe(failed));
            }
            return (worker, metadata);
        }
        catch
        {
            await worker.Process.DisposeAsync();
            throw;
        }
    }

    public async Task LoadAsync(RunningWorker worker, IReadOnlyList<FunctionDefinition> functions, CancellationToken cancellationToken)
    {
        _functions = functions;
        try
        {
            await WorkerStarter.LoadFunctionsAsync(worker, functions, cancellationToken);
        }
        catch
        {
            await worker.Process.DisposeAsync();
            throw;
        }
        BecomeReady(worker);
    }

    private void Track(RunningWorker worker)
    {
        lock (_lock)
        {
            _all.Add(worker);
        }
    }

    private async Task ForgetAsync(RunningWorker worker)
    {
        lock (_lock)
        {
            _all.Remove(worker);
        }
        await worker.Process.DisposeAsync();
    }

    private void BecomeReady(RunningWorker worker)
    {
        lock (_lock)
        {
            _current = worker;
            _ready.TrySetResult(worker);
            State = "Running";
        }
        _ = WatchAsync(worker);
    }

    private async Task WatchAsync(RunningWorker worker)
    {
        var code = await worker.Process.Exited;
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested || _current != worker)
            {
                return;
            }
            _current = null;
            if (_ready.Task.IsCompleted)
            {
                _ready = new TaskCompletionSource<RunningWorker>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            State = "Restarting";
        }
        var stderr = worker.Process.StdErrTail;
        var message = $"The worker process {worker.Process.Id} exited with code {code} (0x{code:X})" + (stderr.Length > 0 ? ": " + stderr : "");
        worker.Channel.FailAll(message);
        await ForgetAsync(worker);
        if (code == 0 && !worker.RestartRequested)
        {
            // The host neither restarts a worker that ended cleanly nor fails its invocations; the DevHost
            // fails them (nothing else could answer them) and goes on without a worker, as the host does.
            // (Ctrl-C in a terminal ends the worker this way too, just before the DevHost stops.)
            _logger.LogWarning("{Message}; like the real host, the DevHost does not restart it", message);
            GiveUp(message, stopHost: false);
            return;
        }
        if (code != 200 && !worker.RestartRequested)
        {
            _logger.LogError("{Message}", message);
            if (!RecordError())
            {
                return;
            }
        }
        else
        {
            _logger.LogWarning("{Message}; restarting it", message);
        }
        await RestartAsync();
    }

    // False when this error is the one too many: the supervisor then gives up, as the host stops.
    private bool RecordError()
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            if (_errors.Count > 0 && now - _errors[^1] > ErrorWindow)
            {
                _errors.Clear();
            }
            _errors.Add(now);
            if (_errors.Count < ErrorThreshold)
            {
                return true;
            }
        }
        var message = $"The worker failed {ErrorThreshold} times within {ErrorWindow.TotalMinutes} minutes: not restarted again (the real host stops here)";
        _logger.LogCritical("{Message}", message);
        GiveUp(message, stopHost: true);
        return false;
    }

    private void GiveUp(string message, bool stopHost)
    {
        lock (_lock)
        {
            State = "Stopped";
            _ready.TrySetException(new WorkerUnavailableException(message));
        }
        if (stopHost)
        {
            _gaveUp.TrySetResult();
        }
    }

    private async Task RestartAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var wait = _starter.LastStart + _restartInterval - DateTimeOffset.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    _logger.LogInformation("Restarting the worker in {Delay} ms", (int)wait.TotalMilliseconds);
                    await Task.Delay(wait, _stopping.Token);
                }
                var worker = await _starter.LaunchAsync(Track, _stopping.Token);
                try
                {
                    await WorkerStarter.LoadFunctionsAsync(worker, _functions, _stopping.Token);
                }
                catch
                {
                    await ForgetAsync(worker);
                    throw;
                }
                BecomeReady(worker);
                _logger.LogInformation("Worker restarted (process {Pid})", worker.Process.Id);
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or WorkerUnavailableException or DevHostConfigurationException)
            {
                _logger.LogError(ex, "Restarting the worker failed");
                if (!RecordError())
                {
                    return;
                }
            }
        }
    }

    // The worker to invoke, waiting while it (re)starts; throws WorkerUnavailableException when there is none.
    public async Task<RunningWorker> WaitReadyAsync(CancellationToken cancellationToken)
    {
        Task<RunningWorker> ready;
        lock (_lock)
        {
            ready = _ready.Task;
        }
        return await ready.WaitAsync(cancellationToken);
    }

    // Killed on purpose (a function timed out): restarted without counting as an error.
    public static void Restart(RunningWorker worker)
    {
        worker.RestartRequested = true;
        worker.Process.Kill();
    }

    public async Task<TimeSpan?> PingAsync(CancellationToken cancellationToken)
    {
        RunningWorker? worker;
        lock (_lock)
        {
            worker = _current;
        }
        return worker is null ? null : await worker.Channel.PingAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        RunningWorker? current;
        RunningWorker[] all;
        lock (_lock)
        {
            _stopping.Cancel();
            current = _current;
            _current = null;
            all = [.. _all];
            State = "Stopped";
            _ready.TrySetException(new WorkerUnavailableException("the DevHost is stopping"));
        }
        if (current is not null && !current.Process.HasExited)
        {
            // WorkerTerminate, then the grace period, then a kill (GrpcWorkerChannel.StopWorkerProcess).
            current.Channel.Terminate(TerminateGracePeriod);
            if (await current.Process.WaitForExitAsync(TerminateGracePeriod))
            {
                _logger.LogInformation("Worker {Pid} stopped after WorkerTerminate", current.Process.Id);
            }
            else
            {
                _logger.LogWarning("Worker {Pid} still running {Grace} s after WorkerTerminate: killed", current.Process.Id, TerminateGracePeriod.TotalSeconds);
            }
        }
        foreach (var worker in all)
        {
            worker.Channel.FailAll("the DevHost is stopping");
            await worker.Process.DisposeAsync();
        }
        _stopping.Dispose();
    }
}

