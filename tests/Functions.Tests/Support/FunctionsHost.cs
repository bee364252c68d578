using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microstructures.DevHost;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests;

// The app as the Functions host runs it: the DevHost (the local Functions host) starts the worker
// from src/Functions' build output and drives it over gRPC: HTTP forwarded, queues polled, timers run
// on request, e-mails caught by its SendGrid sink. Against an Azurite of this fixture's own.
// One worker per test class (a worker keeps process-wide state, so it is a process of its own): the
// tests of a class share its storage account and keep apart by unique ids and addresses.
public class FunctionsHost : IAsyncLifetime
{
    public const string StaffKey = PlatformServices.StaffKey;

    private readonly Azurite _azurite = new();
    private readonly List<DevHostServer> _servers = [];
    private readonly List<string> _settingsFiles = [];
    private PlatformServices? _services;

    // How many app instances share the storage account (two for the race tests).
    protected virtual int InstanceCount => 1;

    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    // How soon a worker that exited is started again (10 s, as the host; crash tests shorten it).
    protected virtual TimeSpan WorkerRestartInterval => TimeSpan.FromSeconds(10);

    protected virtual string StorageFor(Azurite azurite) => azurite.IsolatedConnectionString();

    public string Storage { get; private set; } = "";

    public Uri BaseUrl => InstanceUrl(0);

    public Uri InstanceUrl(int instance) => _servers[instance].BaseUrl;

    // The instance's worker process (null while it restarts): crash tests kill it.
    public int? WorkerProcessId(int instance = 0) => _servers[instance].WorkerProcessId;

    // The app's services on the same storage and settings: for reading what the app stored (e-mails)
    // and computing what it signs (check-in tokens), as a third instance would.
    public PlatformServices Services => _services ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        Storage = StorageFor(_azurite);
        _services = new PlatformServices(Storage);
        for (var i = 0; i < InstanceCount; i++)
        {
            _servers.Add(await StartInstanceAsync());
        }
    }

    private async Task<DevHostServer> StartInstanceAsync()
    {
        var port = FreePort.Next();
        var values = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = Storage,
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AzureWebJobsDisableHomepage"] = "true",
            ["App__PublicBaseUrl"] = "https://evenements.example.org",
            ["Admin__ApiKey"] = StaffKey,
            ["SendGrid__ApiKey"] = "SG.test",
            ["SendGrid__Host"] = $"http://127.0.0.1:{port}",
            ["Email__FromAddress"] = "no-reply@example.org",
            ["Email__FromName"] = "CNRMS",
            ["Registrations__SigningKey"] = PlatformServices.SigningKey,
            ["Newsletter__SigningKey"] = PlatformServices.NewsletterSigningKey,
            ["Newsletter__AddressHashKey"] = PlatformServices.NewsletterAddressHashKey,
            ["Newsletter__StaffAlertAddress"] = "equipe@example.org",
            ["Newsletter__PostalAddress"] = "1 rue de l'Exemple, 67000 Strasbourg",
            ["Registrations__EmailRelayDelay"] = "00:00:00",
            // Every test request comes from 127.0.0.1: the per-address limit would be the whole suite's.
            ["Registrations__MaxPerIpPerMinute"] = "100000",
            ["Newsletter__MaxPerIpPerMinute"] = "100000",
            ["Forfaits__SigningKey"] = PlatformServices.ForfaitsSigningKey,
            ["Forfaits__RemindersStartDate"] = "2020-01-01",
        };
        foreach (var (key, value) in Settings)
        {
            values[key] = value;
        }
        var settingsPath = Path.Combine(Path.GetTempPath(), $"functions-tests-settings-{Guid.NewGuid():N}.json");
        _settingsFiles.Add(settingsPath);
        await File.WriteAllTextAsync(settingsPath, JsonSerializer.Serialize(new { IsEncrypted = false, Values = values }));
        return await DevHostServer.StartAsync(new DevHostOptions
        {
            ScriptRoot = FunctionsOutput.Directory,
            SettingsPath = settingsPath,
            Port = port,
            MaxPollingInterval = TimeSpan.FromMilliseconds(250),
            DisableTimers = true,
            WorkerRestartInterval = WorkerRestartInterval,
            LoggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)),
        });
    }

    // Redirects are not followed: a test sees what a browser would be answered.
    public HttpClient CreateClient(int instance = 0) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = InstanceUrl(instance) };

    public HttpClient CreateStaffClient(int instance = 0)
    {
        var client = CreateClient(instance);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StaffKey);
        return client;
    }

    // Runs a queue or timer function now and waits for its outcome (DevHostCalls.RunFunctionAsync).
    public async Task<JsonElement> RunFunctionAsync(string name, string input = "", int instance = 0)
    {
        using var client = CreateClient(instance);
        return await DevHostCalls.RunFunctionAsync(client, name, input);
    }

    // The e-mails the DevHost's SendGrid sink received for an address.
    public async Task<JsonElement[]> OutboxAsync(string to, int instance = 0)
    {
        using var client = CreateClient(instance);
        return await DevHostCalls.OutboxAsync(client, to);
    }

    // Polls the sink until `count` e-mails to `to` arrived (or the deadline passes), then returns them.
    public async Task<JsonElement[]> WaitForEmailsAsync(string to, int count = 1, TimeSpan? timeout = null)
    {
        using var client = CreateClient();
        return await DevHostCalls.WaitForEmailsAsync(client, to, count, timeout);
    }

    // Stops the DevHost instances (each worker is asked to terminate and shuts down as in Azure, flushing
    // what it buffers); storage stays up until DisposeAsync.
    public async Task StopInstancesAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
        _servers.Clear();
    }

    public async Task DisposeAsync()
    {
        await StopInstancesAsync();
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        foreach (var file in _settingsFiles)
        {
            File.Delete(file);
        }
        await _azurite.DisposeAsync();
    }
}

// Two app instances on one storage account: nothing shared but storage, as two instances in Azure.
public sealed class TwoInstancesHost : FunctionsHost
{
    protected override int InstanceCount => 2;
}

// Failed queue messages delivered again at once (host.json waits 10 s between deliveries), by an app
// setting as on the Functions host: for tests that follow a message through its retries to -poison.
public sealed class ImmediateRetryHost : FunctionsHost
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:00",
    };
}

// Table storage unreachable (its endpoint points at a closed port): blob and queue still answer.
public sealed class TableDownHost : FunctionsHost
{
    protected override string StorageFor(Azurite azurite) =>
        System.Text.RegularExpressions.Regex.Replace(base.StorageFor(azurite), @"TableEndpoint=http://127\.0\.0\.1:\d+/", $"TableEndpoint=http://127.0.0.1:{FreePort.Next()}/");
}
