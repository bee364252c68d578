using System.Diagnostics;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Grpc.Messages;

namespace Microstructures.DevHost.Worker;

// One worker process and its stream, as the host's dispatcher (RpcFunctionInvocationDispatcher)
// keeps it: handshake, load, invocations; a worker that exits fails its running invocations at once
// and is restarted (exit code 200 quietly; any other code but 0 counts as an error, and the third
// error within 30 minutes gives up); a restart starts no sooner than RestartInterval after the
// previous start; on stop, WorkerTerminate then a kill after the grace period.
internal sealed class WorkerSupervisor : IAsyncDisposable
{
    // The host version this DevHost follows (sent as WorkerInitRequest.host_version).
    public const string HostVersion = "4.1037.0.0";

    public static readonly TimeSpan TerminateGracePeriod = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StartStreamTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ErrorWindow = TimeSpan.FromMinutes(30);
    private const int ErrorThreshold = 3;

    private readonly GrpcServer _server;
    private readonly ProcessLauncher _launcher;
    private readonly RpcLogWriter _logs;
    private readonly TimeSpan _restartInterval;
    private readonly ILogger _logger;
    private readonly ILogger _invocationLogger;
    private readonly Lock _lock = new();
    private readonly List<DateTimeOffset> _errors = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _gaveUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<RunningWorker> _all = [];
    private TaskCompletionSource<RunningWorker> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunningWorker? _current;
    private IReadOnlyList<FunctionDefinition> _functions = [];
    private DateTimeOffset _lastStart = DateTimeOffset.MinValue;
    private WorkerLaunch _launch = null!;
    private int _disposed;

    public WorkerSupervisor(GrpcServer server, ProcessLauncher launcher, RpcLogWriter logs, TimeSpan restartInterval, ILoggerFactory loggerFactory)
    {
        _server = server;
        _launcher = launcher;
        _logs = logs;
        _restartInterval = restartInterval;
        _logger = loggerFactory.CreateLogger("Microstructures.DevHost.Worker.Process");
        _invocationLogger = loggerFactory.CreateLogger("Microstructures.DevHost.Invocations");
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

    // Completes when the supervisor gave up restarting the worker (the real host stops there).
    public Task GaveUp => _gaveUp.Task;

    // First start: the process, the handshake and the worker's function metadata. Validation comes
    // next, then LoadAsync; a worker that exits meanwhile fails the start with its exit code.
    public async Task<(RunningWorker Worker, FunctionMetadataResponse Metadata)> StartAsync(WorkerLaunch launch, CancellationToken cancellationToken)
    {
        _launch = launch;
        var worker = await LaunchAsync(cancellationToken);
        try
        {
            var metadata = await DuringStartAsync(worker, worker.Channel.GetMetadataAsync(_launch.ScriptRoot, cancellationToken), "before answering FunctionsMetadataRequest");
            if (metadata.Result is { Status: not StatusResult.Types.Status.Success } failed)
            {
                throw new InvalidOperationException("The worker could not index its functions: " + Describe(failed));
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
            await LoadFunctionsAsync(worker, cancellationToken);
        }
        catch
        {
            await worker.Process.DisposeAsync();
            throw;
        }
        BecomeReady(worker);
    }

    private async Task<RunningWorker> LaunchAsync(CancellationToken cancellationToken)
    {
        var workerId = Guid.NewGuid().ToString();
        var requestId = Guid.NewGuid().ToString();
        var channel = new WorkerChannel(workerId, _logs, _logger);
        _server.Registry.Expect(channel);
        WorkerProcess process;
        try
        {
            _lastStart = DateTimeOffset.UtcNow;
            process = await WorkerProcess.StartAsync(_launcher, _launch.Executable, _launch.Arguments(_server.Uri, workerId, requestId),
                _launch.ScriptRoot, _launch.Environment, workerId, _logger);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            _server.Registry.Forget(workerId);
            throw new DevHostConfigurationException(_launch.Config.FilePath, "description.defaultExecutablePath", $"cannot start {_launch.Executable}: {ex.Message}", ex);
        }
        var worker = new RunningWorker(process, channel);
        lock (_lock)
        {
            _all.Add(worker);
        }
        _logger.LogInformation("Started worker process {Pid} (worker id {WorkerId}){Guard}", process.Id, workerId,
            _launcher.GuardsAgainstOrphans ? "" : "; warning: no setpriv, it would outlive a killed DevHost");
        var watch = Stopwatch.StartNew();
        try
        {
            await DuringStartAsync(worker, channel.Connected.WaitAsync(StartStreamTimeout, cancellationToken), "before opening its EventStream");
            var init = await DuringStartAsync(worker, channel.InitializeAsync(new WorkerInitRequest
            {
                HostVersion = HostVersion,
                Capabilities = { ["MultiStream"] = "10" },
                WorkerDirectory = _launch.ScriptRoot,
                FunctionAppDirectory = _launch.ScriptRoot,
            }, cancellationToken), "before answering WorkerInitRequest");
            if (init.Result is not { Status: StatusResult.Types.Status.Success })
            {
                throw new InvalidOperationException("The worker failed to initialize: " + Describe(init.Result));
            }
            if (init.Capabilities.TryGetValue("HttpUri", out var httpUri) && !string.IsNullOrEmpty(httpUri))
            {
                worker.HttpUri = new Uri(httpUri);
            }
            _logger.LogInformation("Worker {Pid} initialized in {Elapsed} ms ({Runtime} {RuntimeVersion}, worker {WorkerVersion}){HttpUri}",
                process.Id, watch.ElapsedMilliseconds, init.WorkerMetadata?.RuntimeName, init.WorkerMetadata?.RuntimeVersion,
                init.WorkerMetadata?.WorkerVersion, worker.HttpUri is null ? "" : ", HTTP at " + worker.HttpUri);
            return worker;
        }
        catch
        {
            _server.Registry.Forget(workerId);
            await process.DisposeAsync();
            throw;
        }
    }

    // Awaits a handshake step, failing fast (with the exit code and stderr) if the process exits meanwhile.
    private static async Task<T> DuringStartAsync<T>(RunningWorker worker, Task<T> step, string what)
    {
        var exited = worker.Process.Exited;
        var timeout = Task.Delay(HandshakeTimeout);
        var done = await Task.WhenAny(step, exited, timeout);
        if (done == step)
        {
            return await step;
        }
        if (done == exited)
        {
            var stderr = worker.Process.StdErrTail;
            throw new InvalidOperationException($"The worker process exited with code {await exited} {what}" + (stderr.Length > 0 ? ": " + stderr : "."));
        }
        throw new TimeoutException($"The worker did not answer within {HandshakeTimeout.TotalSeconds} s {what.Replace("before ", "while ", StringComparison.Ordinal)}.");
    }

    private static async Task DuringStartAsync(RunningWorker worker, Task step, string what) =>
        await DuringStartAsync(worker, step.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), what);

    private async Task LoadFunctionsAsync(RunningWorker worker, CancellationToken cancellationToken)
    {
        var requests = _functions.Select(FunctionIndex.LoadRequest).ToList();
        var responses = await DuringStartAsync(worker, worker.Channel.LoadAsync(requests, cancellationToken), "before answering every FunctionLoadRequest");
        var failed = responses.Where(r => r.Result is not { Status: StatusResult.Types.Status.Success }).ToList();
        if (failed.Count > 0)
        {
            var names = failed.Select(r => $"{_functions.First(f => f.FunctionId == r.FunctionId).Name}: {Describe(r.Result)}");
            throw new InvalidOperationException("The worker could not load every function: " + string.Join("; ", names));
        }
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
        if (code == 0 && !worker.RestartRequested)
        {
            // The host neither restarts a worker that ended cleanly nor fails its invocations; the DevHost
            // fails them (nothing else could answer them) and stays without a worker.
            _logger.LogWarning("{Message}; like the real host, the DevHost does not restart it", message);
            GiveUp(message);
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
        GiveUp(message);
        return false;
    }

    private void GiveUp(string message)
    {
        lock (_lock)
        {
            State = "Stopped";
            _ready.TrySetException(new WorkerUnavailableException(message));
        }
        _gaveUp.TrySetResult();
    }

    private async Task RestartAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var wait = _lastStart + _restartInterval - DateTimeOffset.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    _logger.LogInformation("Restarting the worker in {Delay} ms", (int)wait.TotalMilliseconds);
                    await Task.Delay(wait, _stopping.Token);
                }
                var worker = await LaunchAsync(_stopping.Token);
                try
                {
                    await LoadFunctionsAsync(worker, _stopping.Token);
                }
                catch
                {
                    await worker.Process.DisposeAsync();
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

    public async Task<InvocationResult> InvokeAsync(FunctionDefinition function, Func<string, InvocationRequest> build, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = NewTimeout(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        RunningWorker worker;
        try
        {
            worker = await WaitReadyAsync(linked.Token);
        }
        catch (WorkerUnavailableException ex)
        {
            return InvocationResult.Unanswered(ex.Message);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return InvocationResult.Unanswered($"Timeout value of {timeout} was exceeded by function: Functions.{function.Name} (waiting for the worker)");
        }
        var request = build(Guid.NewGuid().ToString());
        var pending = Begin(worker, function, request);
        return await CompleteAsync(worker, function, pending, timeout, limit, cancellationToken);
    }

    // Registers then sends the InvocationRequest: writing is a TryWrite on the stream's channel, never a wait.
    public PendingInvocation Begin(RunningWorker worker, FunctionDefinition function, InvocationRequest request)
    {
        var pending = worker.Channel.Begin(request, function.Name);
        _invocationLogger.LogInformation("Executing 'Functions.{Function}' (Id={InvocationId})", function.Name, request.InvocationId);
        if (!worker.Channel.Send(new StreamingMessage { InvocationRequest = request }))
        {
            worker.Channel.Forget(request.InvocationId);
            pending.Fail("the worker's stream is closed");
        }
        return pending;
    }

    public static CancellationTokenSource NewTimeout(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout);

    public async Task<InvocationResult> CompleteAsync(
        RunningWorker worker, FunctionDefinition function, PendingInvocation pending, TimeSpan timeout, CancellationTokenSource limit, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        InvocationResult result;
        try
        {
            var response = await pending.Response.WaitAsync(linked.Token);
            var status = response.Result?.Status ?? StatusResult.Types.Status.Failure;
            result = new InvocationResult(status == StatusResult.Types.Status.Success, status.ToString(), pending.Logs,
                status == StatusResult.Types.Status.Success ? null : Describe(response.Result));
        }
        catch (WorkerUnavailableException ex)
        {
            result = InvocationResult.Unanswered(ex.Message, pending.Logs);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The host fails the invocation, then restarts the worker running it (WebScriptHostExceptionHandler).
            worker.Channel.Cancel(pending.InvocationId);
            worker.Channel.Forget(pending.InvocationId);
            result = InvocationResult.Unanswered($"Timeout value of {timeout} was exceeded by function: Functions.{function.Name}", pending.Logs);
            _logger.LogError("{Error}: restarting the worker", result.Error);
            RequestRestart(worker);
        }
        catch (OperationCanceledException)
        {
            // The caller went away (or the DevHost stops): the worker is told, as the host does.
            worker.Channel.Cancel(pending.InvocationId);
            worker.Channel.Forget(pending.InvocationId);
            result = new InvocationResult(false, "Cancelled", pending.Logs, "the invocation was cancelled");
        }
        _invocationLogger.Log(result.Succeeded ? LogLevel.Information : LogLevel.Error,
            "Executed 'Functions.{Function}' ({Outcome}, Id={InvocationId}, Duration={Duration}ms){Error}",
            function.Name, result.Succeeded ? "Succeeded" : "Failed", pending.InvocationId, watch.ElapsedMilliseconds,
            result.Error is null ? "" : ": " + result.Error);
        return result;
    }

    private static void RequestRestart(RunningWorker worker)
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

    private static string Describe(StatusResult? result) =>
        result?.Exception is { } ex && (ex.Message.Length > 0 || ex.Type.Length > 0)
            ? (ex.Type.Length > 0 ? ex.Type + ": " : "") + ex.Message
            : result?.Result is { Length: > 0 } text ? text : (result?.Status ?? StatusResult.Types.Status.Failure).ToString();

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
        _gaveUp.TrySetResult();
        _stopping.Dispose();
    }
}

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
