using System.Diagnostics;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Grpc.Messages;

namespace Microstructures.DevHost.Worker;

// Starts one worker process and takes it through the handshake (GrpcWorkerChannel): StartStream with
// its id, WorkerInitRequest → WorkerInitResponse (its HttpUri), then, once the functions are known,
// one FunctionLoadRequest per function. A process that exits meanwhile fails the step at once with
// its exit code and the end of its stderr.
internal sealed class WorkerStarter(GrpcServer server, ProcessLauncher launcher, RpcLogWriter logs, ILogger logger)
{
    // The host version this DevHost follows (sent as WorkerInitRequest.host_version).
    public const string HostVersion = "4.1037.0.0";

    private static readonly TimeSpan StartStreamTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(60);

    public WorkerLaunch Launch { get; set; } = null!;

    public DateTimeOffset LastStart { get; private set; } = DateTimeOffset.MinValue;

    public async Task<RunningWorker> LaunchAsync(Action<RunningWorker> started, CancellationToken cancellationToken)
    {
        var workerId = Guid.NewGuid().ToString();
        var requestId = Guid.NewGuid().ToString();
        var channel = new WorkerChannel(workerId, logs, logger);
        server.Registry.Expect(channel);
        WorkerProcess process;
        try
        {
            LastStart = DateTimeOffset.UtcNow;
            process = await WorkerProcess.StartAsync(launcher, Launch.Executable, Launch.Arguments(server.Uri, workerId, requestId),
                Launch.ScriptRoot, Launch.Environment, workerId, logger);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            server.Registry.Forget(workerId);
            throw new DevHostConfigurationException(Launch.Config.FilePath, "description.defaultExecutablePath", $"cannot start {Launch.Executable}: {ex.Message}", ex);
        }
        var worker = new RunningWorker(process, channel);
        started(worker);
        logger.LogInformation("Started worker process {Pid} (worker id {WorkerId}){Guard}", process.Id, workerId,
            launcher.GuardsAgainstOrphans ? "" : "; warning: no setpriv, it would outlive a killed DevHost");
        var watch = Stopwatch.StartNew();
        try
        {
            await DuringStartAsync(worker, channel.Connected.WaitAsync(StartStreamTimeout, cancellationToken), "before opening its EventStream");
            var init = await DuringStartAsync(worker, channel.InitializeAsync(new WorkerInitRequest
            {
                HostVersion = HostVersion,
                Capabilities = { ["MultiStream"] = "10" },
                WorkerDirectory = Launch.ScriptRoot,
                FunctionAppDirectory = Launch.ScriptRoot,
            }, cancellationToken), "before answering WorkerInitRequest");
            if (init.Result is not { Status: StatusResult.Types.Status.Success })
            {
                throw new InvalidOperationException("The worker failed to initialize: " + Describe(init.Result));
            }
            if (init.Capabilities.TryGetValue("HttpUri", out var httpUri) && !string.IsNullOrEmpty(httpUri))
            {
                worker.HttpUri = new Uri(httpUri);
            }
            logger.LogInformation("Worker {Pid} initialized in {Elapsed} ms ({Runtime} {RuntimeVersion}, worker {WorkerVersion}){HttpUri}",
                process.Id, watch.ElapsedMilliseconds, init.WorkerMetadata?.RuntimeName, init.WorkerMetadata?.RuntimeVersion,
                init.WorkerMetadata?.WorkerVersion, worker.HttpUri is null ? "" : ", HTTP at " + worker.HttpUri);
            return worker;
        }
        catch
        {
            server.Registry.Forget(workerId);
            await process.DisposeAsync();
            throw;
        }
    }

    // Awaits a handshake step, failing fast (with the exit code and stderr) if the process exits meanwhile.
    public static async Task<T> DuringStartAsync<T>(RunningWorker worker, Task<T> step, string what)
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

    public static async Task LoadFunctionsAsync(RunningWorker worker, IReadOnlyList<FunctionDefinition> functions, CancellationToken cancellationToken)
    {
        var requests = functions.Select(FunctionIndex.LoadRequest).ToList();
        var responses = await DuringStartAsync(worker, worker.Channel.LoadAsync(requests, cancellationToken), "before answering every FunctionLoadRequest");
        var failed = responses.Where(r => r.Result is not { Status: StatusResult.Types.Status.Success }).ToList();
        if (failed.Count > 0)
        {
            var names = failed.Select(r => $"{functions.First(f => f.FunctionId == r.FunctionId).Name}: {Describe(r.Result)}");
            throw new InvalidOperationException("The worker could not load every function: " + string.Join("; ", names));
        }
    }

    public static string Describe(StatusResult? result) =>
        result?.Exception is { } ex && (ex.Message.Length > 0 || ex.Type.Length > 0)
            ? (ex.Type.Length > 0 ? ex.Type + ": " : "") + ex.Message
            : result?.Result is { Length: > 0 } text ? text : (result?.Status ?? StatusResult.Types.Status.Failure).ToString();

}
