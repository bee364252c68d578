using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Email;
using Microstructures.Core.Storage;
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
            ["Forfaits__SigningKey"] = "e2e-forfaits-signing-key-0123456789abcdef0123",
            ["Forfaits__RemindersStartDate"] = "2020-01-01",
            ["Newsletter__SigningKey"] = "e2e-newsletter-signing-key-0123456789abcdef",
            ["Newsletter__AddressHashKey"] = "e2e-newsletter-address-hash-key-0123456789abcdef",
            ["Newsletter__StaffAlertAddress"] = "equipe@example.org",
            ["Newsletter__PostalAddress"] = "1 rue de l'Exemple, 67000 Strasbourg",
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

    public Task<JsonElement[]> OutboxAsync(string to) => DevHostCalls.OutboxAsync(Http, to);

    public Task<JsonElement[]> WaitForEmailsAsync(string to, int count = 1, TimeSpan? timeout = null) =>
        DevHostCalls.WaitForEmailsAsync(Http, to, count, timeout);

    // Until the e-mail is settled and the outbound-email queue holds no message: nothing can send it again.
    public async Task WaitUntilSettledAsync(string emailId)
    {
        var store = Services.GetRequiredService<EmailStore>();
        var queue = await Services.GetRequiredService<StorageInitializer>().QueueAsync(EmailOutbox.QueueName);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await store.GetAsync(emailId) is { } record && EmailStatus.IsSettled(record.Status)
            && (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"E-mail {emailId} not settled, or its queue not empty, after 60 s.");
            }
            await Task.Delay(100);
        }
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
