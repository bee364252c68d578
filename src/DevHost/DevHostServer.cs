using System.Net;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microstructures.DevHost.Admin;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Handler;
using Microstructures.DevHost.Http;
using Microstructures.DevHost.Pages;
using Microstructures.DevHost.Queues;
using Microstructures.DevHost.Sink;
using Microstructures.DevHost.Timers;

namespace Microstructures.DevHost;

// A local stand-in for the Azure Functions host driving a custom handler (development and tests only).
public sealed class DevHostServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HandlerProcess _handler;
    private readonly HttpClient _client;
    private readonly DevHostState _state;
    private readonly List<Task> _background;
    private readonly ILoggerFactory? _ownedLoggerFactory;
    private readonly ILogger _logger;
    private int _disposed;

    private DevHostServer(
        WebApplication app, HandlerProcess handler, HttpClient client, DevHostState state, List<Task> background,
        ILoggerFactory? ownedLoggerFactory, ILogger logger, Uri baseUrl)
    {
        _app = app;
        _handler = handler;
        _client = client;
        _state = state;
        _background = background;
        _ownedLoggerFactory = ownedLoggerFactory;
        _logger = logger;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    internal Uri HandlerBaseUrl => _handler.BaseUrl;

    public static async Task<DevHostServer> StartAsync(DevHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var scriptRoot = Path.GetFullPath(options.ScriptRoot);
        if (!Directory.Exists(scriptRoot))
        {
            throw new DevHostConfigurationException(scriptRoot, "(folder)", "script root not found");
        }
        var settings = LocalSettings.Load(options);
        var host = HostConfig.Load(scriptRoot, options.MaxPollingInterval);
        var functions = FunctionLoader.Load(scriptRoot, settings, options.TimeProvider);
        var storage = settings.Get(LocalSettings.StorageSetting)
            ?? throw new DevHostConfigurationException(settings.Path, "Values." + LocalSettings.StorageSetting, "is required (e.g. UseDevelopmentStorage=true)");
        var blobs = CreateClient(() => new BlobServiceClient(storage), settings.Path, LocalSettings.StorageSetting);
        var hostId = settings.Get("AzureFunctionsWebHost__hostid") ?? "devhost";

        var ownedLoggerFactory = options.LoggerFactory is null
            ? LoggerFactory.Create(b => b
                .AddSimpleConsole(c =>
                {
                    c.SingleLine = true;
                    c.TimestampFormat = "HH:mm:ss.fff ";
                })
                .AddFilter("Microsoft", LogLevel.Warning)
                .AddFilter("System.Net.Http", LogLevel.Warning))
            : null;
        var loggerFactory = options.LoggerFactory ?? ownedLoggerFactory!;
        var logger = loggerFactory.CreateLogger("Microstructures.DevHost");

        // One client for every call to the handler, as the host does (DefaultHttpWorkerService's
        // `new HttpClient()`): it FOLLOWS redirects, so a handler's 302 never reaches the caller (the
        // host's client fetches the Location itself; azure-functions-host#7860). No proxy, no cookies.
        var client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        { Timeout = Timeout.InfiniteTimeSpan };

        HandlerProcess? handler = null;
        try
        {
            handler = await HandlerProcess.StartAsync(host, scriptRoot, settings, client, loggerFactory.CreateLogger("Microstructures.DevHost.Handler"), cancellationToken);
            var handlerProcess = handler;
            var invoker = new HandlerInvoker(client, () => handlerProcess.BaseUrl, host.FunctionTimeout, loggerFactory);

            var queueServices = new Dictionary<string, QueueServiceClient>(StringComparer.OrdinalIgnoreCase);
            var listeners = new List<QueueListener>();
            foreach (var function in functions.Where(f => f.Kind == TriggerKind.Queue))
            {
                var setting = function.ConnectionSetting!;
                if (!queueServices.TryGetValue(setting, out var service))
                {
                    var connection = settings.Get(setting)!;
                    service = CreateClient(() => new QueueServiceClient(connection), function.FilePath, "connection (" + setting + ")");
                    queueServices[setting] = service;
                }
                listeners.Add(new QueueListener(function, service, host.Queues, invoker, options.SingleEncoded, options.TimeProvider,
                    loggerFactory.CreateLogger("Microstructures.DevHost.Queues")));
            }
            var statusStore = new TimerStatusStore(blobs, hostId);
            var timers = functions.Where(f => f.Kind == TriggerKind.Timer)
                .Select(f => new TimerRunner(f, statusStore, invoker, options.TimeProvider, loggerFactory.CreateLogger("Microstructures.DevHost.Timers")))
                .ToList();
            var state = new DevHostState(functions, listeners, timers, hostId);

            var app = BuildApp(options, host, functions, client, handlerProcess, state, blobs, loggerFactory);
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(address).Port;
            var baseUrl = new Uri($"http://127.0.0.1:{port}/");

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
                logger.LogInformation("  {Function}: [{Methods}] {BaseUrl}{Prefix}/{Route}", function.Name,
                    function.Methods is null ? "ANY" : string.Join(",", function.Methods), baseUrl, host.RoutePrefix, function.Route!.Text.TrimStart('/'));
            }
            return new DevHostServer(app, handler, client, state, background, ownedLoggerFactory, logger, baseUrl);
        }
        catch
        {
            if (handler is not null)
            {
                await handler.DisposeAsync();
            }
            client.Dispose();
            ownedLoggerFactory?.Dispose();
            throw;
        }
    }

    private static WebApplication BuildApp(
        DevHostOptions options, HostConfig host, IReadOnlyList<FunctionDefinition> functions, HttpClient client,
        HandlerProcess handler, DevHostState state, BlobServiceClient blobs, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DevHostServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            // The Functions host accepts request bodies up to 100 MB.
            kestrel.Limits.MaxRequestBodySize = 100L * 1024 * 1024;
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(options.TimeProvider);
        builder.Services.AddSingleton(new OutboxStore(blobs));
        builder.Services.AddSingleton<SinkFaults>();
        var forwarder = new HttpForwarder(functions, host.RoutePrefix, client, () => handler.BaseUrl, host.FunctionTimeout,
            loggerFactory.CreateLogger("Microstructures.DevHost.Http"));

        var app = builder.Build();
        app.MapAdmin();
        app.MapSink();
        app.MapPages();
        // Everything else goes through the host's forwarding rules (404 unless a function.json matches).
        app.MapFallback("{**path}", forwarder.ForwardAsync);
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
            // Listeners settle their in-flight messages (visible again) before the handler goes away.
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
        await _handler.DisposeAsync();
        _client.Dispose();
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
