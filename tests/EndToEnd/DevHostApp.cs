using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microstructures.DevHost;
using Microstructures.Functions.Hosting;
using Microstructures.TestSupport;

namespace Microstructures.EndToEnd;

// The whole platform as ./run.sh starts it: the DevHost (in-process) reads the worker's build output
// (host.json, functions.metadata, worker.config.json), starts the real worker process and drives it
// over gRPC, forwards HTTP, polls queues and serves the SendGrid sink, against a real Azurite (its own
// storage account).
public sealed class DevHostApp : IAsyncDisposable
{
    public const string StaffKey = "e2e-staff-key-0123456789";

    private DevHostServer? _server;
    private string? _settingsPath;
    private ServiceProvider? _services;

    public Uri BaseUrl { get; private set; } = null!;
    public HttpClient Http { get; } = new();

    public static async Task<DevHostApp> StartAsync(Azurite azurite, IDictionary<string, string>? overrides = null)
    {
        var app = new DevHostApp();
        var port = FreePort.Next();
        var baseUrl = $"http://127.0.0.1:{port}";
        var values = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.IsolatedConnectionString(),
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AzureWebJobsDisableHomepage"] = "true",
            ["App__PublicBaseUrl"] = baseUrl,
            ["Admin__ApiKey"] = StaffKey,
            ["SendGrid__ApiKey"] = "SG.e2e",
            ["SendGrid__Host"] = baseUrl,
            ["Email__FromAddress"] = "no-reply@example.org",
            ["Email__FromName"] = "CNRMS",
            ["Email__SweepGrace"] = "00:00:02",
            ["Registrations__SigningKey"] = "e2e-registrations-signing-key-0123456789abcdef",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            values[key] = value;
        }
        app._settingsPath = Path.Combine(Path.GetTempPath(), $"e2e-settings-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(app._settingsPath, JsonSerializer.Serialize(new { IsEncrypted = false, Values = values }));
        app._server = await DevHostServer.StartAsync(new DevHostOptions
        {
            ScriptRoot = RepoPaths.Combine("src", "Functions", "bin", RepoPaths.Configuration, "net10.0"),
            SettingsPath = app._settingsPath,
            Port = port,
            MaxPollingInterval = TimeSpan.FromMilliseconds(250),
            DisableTimers = true,
            LoggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)),
        });
        app.BaseUrl = app._server.BaseUrl;
        app.Http.BaseAddress = app.BaseUrl;
        // The app's own services on the same storage and settings, for what a test computes as the app
        // would (a check-in token, the text of a QR code).
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.ToDictionary(v => v.Key.Replace("__", ":", StringComparison.Ordinal), v => (string?)v.Value))
            .Build();
        app._services = new ServiceCollection().AddPlatform(configuration).BuildServiceProvider();
        return app;
    }

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("The app has not started.");

    public HttpClient CreateClient() => new() { BaseAddress = BaseUrl };

    public static HttpRequestMessage StaffRequest(HttpMethod method, string path, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", StaffKey);
        if (json is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(json), System.Text.Encoding.UTF8, "application/json");
        }
        return request;
    }

    public async Task<JsonElement[]> OutboxAsync(string to)
    {
        using var json = JsonDocument.Parse(await Http.GetStringAsync($"/_devhost/outbox?to={Uri.EscapeDataString(to)}"));
        return json.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    // Polls the sink until `count` e-mails to `to` arrived (or the deadline passes), then returns them.
    public async Task<JsonElement[]> WaitForEmailsAsync(string to, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        JsonElement[] messages;
        do
        {
            messages = await OutboxAsync(to);
            if (messages.Length >= count)
            {
                return messages;
            }
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        return messages;
    }

    public async Task<JsonElement> RunFunctionAsync(string name, string input)
    {
        using var response = await Http.PostAsJsonAsync($"/admin/functions/{name}?wait=true", new { input });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_settingsPath is not null)
        {
            File.Delete(_settingsPath);
        }
    }
}
