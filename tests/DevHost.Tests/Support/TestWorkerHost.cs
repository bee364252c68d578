using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microstructures.TestSupport;

namespace Microstructures.DevHost.Tests.Support;

// One DevHost running its own copy of the test worker: the worker's build output copied to a
// throw-away script root with the host.json and local.settings.json the test asks for, storage in
// an account of its own. One worker per process is a limit of the worker, so each DevHost starts
// its own worker child process.
internal sealed class TestWorkerHost : IAsyncDisposable
{
    public const string Yearly = "0 0 3 1 1 *";

    private DevHostServer? _server;

    public TestWorkerHost(string storageConnectionString, JsonObject? queues = null, IDictionary<string, string>? settings = null, JsonObject? hostExtras = null)
    {
        StorageConnectionString = storageConnectionString;
        Folder = Directory.CreateTempSubdirectory("devhost-worker-").FullName;
        CopyDirectory(BuildOutput, Folder);
        var host = new JsonObject
        {
            ["version"] = "2.0",
            ["extensions"] = new JsonObject
            {
                ["http"] = new JsonObject { ["routePrefix"] = "" },
                ["queues"] = queues ?? new JsonObject(),
            },
        };
        foreach (var (key, value) in hostExtras ?? [])
        {
            host[key] = value?.DeepClone();
        }
        File.WriteAllText(Path.Combine(Folder, "host.json"), host.ToJsonString());
        var suffix = Guid.NewGuid().ToString("N")[..12];
        Values = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["TestQueue"] = "records-" + suffix,
            ["TestOrderQueue"] = "orders-" + suffix,
            ["TestSlowQueue"] = "slow-" + suffix,
            ["TestTimerSchedule"] = Yearly,
            ["TestTickSchedule"] = Yearly,
            ["AzureFunctionsWebHost__hostid"] = "test-" + suffix,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            Values[key] = value;
        }
        WriteSettings();
    }

    public static string BuildOutput { get; } = RepoPaths.Combine("tests", "DevHost.TestWorker", "bin", RepoPaths.Configuration, "net10.0");

    public string StorageConnectionString { get; }

    public string Folder { get; }

    public string SettingsPath => Path.Combine(Folder, "local.settings.json");

    public Dictionary<string, string> Values { get; }

    public string QueueName => Values["TestQueue"];

    public string OrderQueueName => Values["TestOrderQueue"];

    public string SlowQueueName => Values["TestSlowQueue"];

    public string HostId => Values["AzureFunctionsWebHost__hostid"];

    public LogCapture Logs { get; } = new();

    public DevHostServer Server => _server ?? throw new InvalidOperationException("StartAsync first");

    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(120) };

    public void WriteSettings() => File.WriteAllText(SettingsPath, new JsonObject
    {
        ["IsEncrypted"] = false,
        [nameof(Values)] = new JsonObject(Values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)JsonValue.Create(v.Value)))),
    }.ToJsonString());

    public async Task<DevHostServer> StartAsync(Action<DevHostOptions>? configure = null)
    {
        var options = new DevHostOptions
        {
            ScriptRoot = Folder,
            SettingsPath = SettingsPath,
            Port = 0,
            MaxPollingInterval = TimeSpan.FromMilliseconds(200),
            DisableTimers = true,
            WorkerRestartInterval = TimeSpan.Zero,
            LoggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs)),
        };
        configure?.Invoke(options);
        _server = await DevHostServer.StartAsync(options);
        Client.BaseAddress = _server.BaseUrl;
        return _server;
    }

    public QueueClient Queue(string name) =>
        new(StorageConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    // What the test worker recorded for one function, oldest first (the row key starts with the time).
    public async Task<List<TableEntity>> RecordsAsync(string function)
    {
        var table = new TableClient(StorageConnectionString, "records");
        await table.CreateIfNotExistsAsync();
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == function))
        {
            rows.Add(row);
        }
        return rows;
    }

    public static JsonObject BindingData(TableEntity record) => (JsonObject)JsonNode.Parse(record.GetString("BindingData"))!;

    public async Task<JsonObject> AdminRunAsync(string function, object body)
    {
        var response = await Client.PostAsJsonAsync($"/admin/functions/{function}?wait=true", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static void CopyDirectory(string source, string target)
    {
        if (!File.Exists(Path.Combine(source, "worker.config.json")))
        {
            throw new InvalidOperationException($"The test worker is not built ({source}): build tests/DevHost.Tests, which builds it.");
        }
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        }
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)), overwrite: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        Client.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

// A DevHost shared by the tests of one class, with its own Azurite.
public abstract class SharedHostFixture : IAsyncLifetime
{
    private TestWorkerHost? _host;

    public Azurite Azurite { get; } = new();

    internal TestWorkerHost Host => _host ?? throw new InvalidOperationException("not started");

    protected virtual JsonObject? Queues => null;

    protected virtual IDictionary<string, string>? Settings => null;

    protected virtual void Configure(DevHostOptions options)
    {
    }

    // Before the DevHost starts (storage is up): e.g. a timer status blob to find at start.
    protected virtual Task PrepareAsync(string storage, string hostId) => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        var storage = Azurite.IsolatedConnectionString();
        _host = new TestWorkerHost(storage, Queues, Settings);
        await PrepareAsync(storage, _host.HostId);
        await _host.StartAsync(Configure);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        await Azurite.DisposeAsync();
    }
}
