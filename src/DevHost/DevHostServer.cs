using System.Net;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microstructures.DevHost.Admin;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Http;
using Microstructures.DevHost.Pages;
using Microstructures.DevHost.Queues;
using Microstructures.DevHost.Sink;
using Microstructures.DevHost.Timers;
using Microstructures.DevHost.Worker;

namespace Microstructures.DevHost;

// The local Functions host for the .NET isolated worker (development and tests only): it starts the
// worker as the host does, drives it over the host <-> worker gRPC protocol, forwards HTTP to it and
// triggers its queue and timer functions with the host's semantics.
public sealed class DevHostServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcServer _grpc;
    private readonly ProcessLauncher _launcher;
    private readonly WorkerSupervisor _workers;
    private readonly HttpMessageInvoker _invoker;
    private readonly DevHostState _state;
    private readonly List<Task> _background;
    private readonly ILoggerFactory? _ownedLoggerFactory;
    private readonly ILogger _logger;
    private int _disposed;

    private DevHostServer(
        WebApplication app, GrpcServer grpc, ProcessLauncher launcher, WorkerSupervisor workers, HttpMessageInvoker invoker,
        DevHostState state, List<Task> background, ILoggerFactory? ownedLoggerFactory, ILogger logger, Uri baseUrl)
    {
        _app = app;
        _grpc = grpc;
        _launcher = launcher;
        _workers = workers;
        _invoker = invoker;
        _state = state;
        _background = background;
        _ownedLoggerFactory = ownedLoggerFactory;
        _logger = logger;
        BaseUrl = baseUrl;
        Functions = state.Functions.Select(f => new DevHostFunction(
            f.Name, f.Kind.ToString().ToLowerInvariant(), f.RouteText, f.Methods?.Order(StringComparer.OrdinalIgnoreCase).ToArray(),
            f.QueueName, f.ScheduleText)).ToList();
    }

    public Uri BaseUrl { get; }

    // The functions loaded into the worker (disabled ones excluded).
    public IReadOnlyList<DevHostFunction> Functions { get; }

    // The worker process's id; null while it restarts or after it stopped for good.
    public int? WorkerProcessId => _workers.ProcessId;

    internal string WorkerState => _workers.State;

    // The gRPC server the worker connects to (--functions-uri).
    internal Uri GrpcUri => _grpc.Uri;

    // Completes when the worker failed too often to be restarted again (the real host stops then).
    internal Task WorkerGaveUp => _workers.GaveUp;

    public static async Task<DevHostServer> StartAsync(DevHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var scriptRoot = Path.GetFullPath(options.ScriptRoot);
        if (!Directory.Exists(scriptRoot))
        {
            throw new DevHostConfigurationException(scriptRoot, "(folder)", "script root not found");
        }
        var settings = LocalSettings.Load(options);
        var sinkEvents = SinkEvents.Create(settings);
        var host = HostConfig.Load(scriptRoot, options.MaxPollingInterval, settings);
        var workerConfig = WorkerConfig.Load(scriptRoot);
        var executable = WorkerLaunch.Validate(workerConfig, settings);
        var storage = settings.Get(LocalSettings.StorageSetting)
            ?? throw new DevHostConfigurationException(settings.Path, "Values." + LocalSettings.StorageSetting, "is required (e.g. UseDevelopmentStorage=true)");
        var blobs = CreateClient(() => new BlobServiceClient(storage), settings.Path, "Values." + LocalSettings.StorageSetting);
        var hostId = settings.Get("AzureFunctionsWebHost__hostid") ?? "devhost";

        var ownedLoggerFactory = options.LoggerFactory is null
            ? LoggerFactory.Create(b => b
                .AddSimpleConsole(c =>
                {
                    c.SingleLine = true;
                    c.TimestampFormat = "HH:mm:ss.fff ";
                })
                .SetMinimumLevel(LogLevel.Information)
                // The worker's own logs, filtered by RpcLogWriter; not the DevHost's categories below it (Worker.Process).
                .AddFilter(RpcLogWriter.LoggerCategory, LogLevel.Trace)
                .AddFilter(RpcLogWriter.LoggerCategory + ".", LogLevel.Information)
                .AddFilter("Microsoft", LogLevel.Warning)
                .AddFilter("Grpc", LogLevel.Warning)
                .AddFilter("Yarp", LogLevel.Warning)
                .AddFilter("System.Net.Http", LogLevel.Warning))
            : null;
        var loggerFactory = options.LoggerFactory ?? ownedLoggerFactory!;
        var logger = loggerFactory.CreateLogger("Microstructures.DevHost");
        if (settings.MissingFromFile.Count > 0)
        {
            logger.LogWarning("{Path} lacks {Count} settings of {Sample}: {Names}. Copy those you need (a feature added since the file was made may need them).",
                settings.Path, settings.MissingFromFile.Count, options.SampleSettingsPath, string.Join(", ", settings.MissingFromFile));
        }

        var launcher = new ProcessLauncher();
        GrpcServer? grpc = null;
        WorkerSupervisor? workers = null;
        WebApplication? app = null;
        var invoker = FunctionHttpHandler.CreateInvoker(loggerFactory.CreateLogger("Microstructures.DevHost.Http"));
        var functionsReady = new TaskCompletionSource<IReadOnlyList<FunctionDefinition>>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            grpc = await GrpcServer.StartAsync(loggerFactory, cancellationToken);
            workers = new WorkerSupervisor(grpc, launcher, new RpcLogWriter(settings, loggerFactory), options.WorkerRestartInterval, loggerFactory);
            var invocations = new WorkerInvoker(workers, loggerFactory);
            var state = new DevHostState(hostId, workers);
            var handler = new FunctionHttpHandler(invocations, invoker, host.FunctionTimeout, FunctionHttpHandler.BodySizeLimit(settings),
                string.Equals(settings.Get("AzureWebJobsDisableHomepage"), "true", StringComparison.OrdinalIgnoreCase),
                functionsReady.Task, loggerFactory.CreateLogger("Microstructures.DevHost.Http"));
            app = BuildApp(options, state, blobs, handler, sinkEvents, loggerFactory);
            // Listening first: the worker's environment names the DevHost's address (WEBSITE_HOSTNAME).
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var baseUrl = new Uri($"http://127.0.0.1:{new Uri(address).Port}/");

            var launch = WorkerLaunch.Create(scriptRoot, workerConfig, executable, settings, baseUrl);
            var (worker, metadata) = await workers.StartAsync(launch, cancellationToken);
            var indexed = metadata.UseDefaultMetadataIndexing ? FunctionsMetadataFile.Read(scriptRoot) : metadata.FunctionMetadataResults;
            var functions = FunctionIndex.Build(indexed, scriptRoot, host.RoutePrefix, settings, options.TimeProvider);
            if (worker.HttpUri is null && functions.FirstOrDefault(f => f.Kind == TriggerKind.Http) is { } http)
            {
                throw new DevHostConfigurationException(Path.Combine(scriptRoot, FunctionIndex.MetadataFileName), http.Name, "bindings",
                    "an HTTP function needs the worker's ASP.NET Core integration (ConfigureFunctionsWebApplication): the worker announced no HttpUri");
            }
            await workers.LoadAsync(worker, functions, cancellationToken);

            var queueServices = new Dictionary<string, QueueServiceClient>(StringComparer.OrdinalIgnoreCase);
            var listeners = new List<QueueListener>();
            foreach (var function in functions.Where(f => f.Kind == TriggerKind.Queue))
            {
                var setting = function.ConnectionSetting!;
                if (!queueServices.TryGetValue(setting, out var service))
                {
                    var connection = settings.Get(setting)!;
                    service = CreateClient(() => new QueueServiceClient(connection), settings.Path, "Values." + setting);
                    queueServices[setting] = service;
                }
                listeners.Add(new QueueListener(function, service, host.Queues, invocations, host.FunctionTimeout, options.TimeProvider,
                    loggerFactory.CreateLogger("Microstructures.DevHost.Queues")));
            }
            var statusStore = new TimerStatusStore(blobs, hostId);
            var timers = functions.Where(f => f.Kind == TriggerKind.Timer)
                .Select(f => new TimerRunner(f, statusStore, invocations, host.FunctionTimeout, options.TimeProvider, loggerFactory.CreateLogger("Microstructures.DevHost.Timers")))
                .ToList();
            state.Initialize(functions, listeners, timers);
            functionsReady.SetResult(functions);

            await Task.WhenAll(listeners.Select(l => l.TryCreateQueueAsync(cancellationToken)));
            var background = new List<Task>();
            foreach (var listener in listeners)
            {
                background.Add(Task.Run(() => listener.RunAsync(state.Stopping.Token), CancellationToken.None));
            }
            if (!options.DisableTimers)
            {
                foreach (var timer in timers)
                {
                    background.Add(Task.Run(() => timer.RunAsync(state.Stopping.Token), CancellationToken.None));
                }
            }
            logger.LogInformation("DevHost listening on {BaseUrl} ({Count} functions: {Functions})",
                baseUrl, functions.Count, string.Join(", ", functions.Select(f => f.Name)));
            foreach (var function in functions.Where(f => f.Kind == TriggerKind.Http))
            {
                logger.LogInformation("  {Function}: [{Methods}] {BaseUrl}{Route}", function.Name,
                    function.Methods is null ? "ANY" : string.Join(",", function.Methods), baseUrl,
                    (host.RoutePrefix.Length == 0 ? "" : host.RoutePrefix + "/") + function.RouteText!.TrimStart('/'));
            }
            return new DevHostServer(app, grpc, launcher, workers, invoker, state, background, ownedLoggerFactory, logger, baseUrl);
        }
        catch
        {
            functionsReady.TrySetException(new InvalidOperationException("the DevHost did not start"));
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
            if (workers is not null)
            {
                await workers.DisposeAsync();
            }
            if (grpc is not null)
            {
                await grpc.DisposeAsync();
            }
            launcher.Dispose();
            invoker.Dispose();
            ownedLoggerFactory?.Dispose();
            throw;
        }
    }

    private static WebApplication BuildApp(DevHostOptions options, DevHostState state, BlobServiceClient blobs, FunctionHttpHandler handler, SinkEvents sinkEvents, ILoggerFactory loggerFactory)
    {
        var builder = LoopbackAppBuilder.Create(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            // The host's Kestrel limit; function requests get theirs per request (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT).
            kestrel.Limits.MaxRequestBodySize = FunctionHttpHandler.DefaultBodySizeLimit;
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(options.TimeProvider);
        builder.Services.AddSingleton(new OutboxStore(blobs));
        builder.Services.AddSingleton<SinkFaults>();
        builder.Services.AddSingleton(sinkEvents);

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(sinkEvents.Dispose);
        // The DevHost's own routes win over functions, as the host's admin routes do.
        app.MapAdmin();
        app.MapSink();
        app.MapPages();
        app.MapFallback("{**path}", handler.HandleAsync);
        return app;
    }

    private static T CreateClient<T>(Func<T> create, string file, string field)
    {
        try
        {
            return create();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new DevHostConfigurationException(file, field, "is not a valid storage connection string: " + ex.Message, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _state.Stopping.CancelAsync();
        try
        {
            // Listeners settle their in-flight messages (visible again) before the worker goes away.
            await Task.WhenAll(_background.Concat(_state.PendingRuns())).WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or Azure.RequestFailedException or HttpRequestException)
        {
            _logger.LogWarning(ex, "Background work did not stop cleanly");
        }
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(stop.Token);
        }
        await _app.DisposeAsync();
        await _workers.DisposeAsync();
        await _grpc.DisposeAsync();
        _launcher.Dispose();
        _invoker.Dispose();
        _state.Stopping.Dispose();
        foreach (var listener in _state.Queues)
        {
            listener.Dispose();
        }
        foreach (var timer in _state.Timers)
        {
            timer.Dispose();
        }
        _logger.LogInformation("DevHost stopped");
        _ownedLoggerFactory?.Dispose();
    }
}
