using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microstructures.TestSupport;

namespace Microstructures.DevHost.Tests;

// A throw-away ScriptRoot per test: host.json pointing at the built TestHandler, the function.json
// files the test needs, and local.settings.json pointing at the test's Azurite.
internal sealed class TestScriptRoot : IAsyncDisposable
{
    private DevHostServer? _server;

    public TestScriptRoot(string storageConnectionString, JsonObject? queues = null, JsonObject? hostExtras = null)
    {
        Folder = Directory.CreateTempSubdirectory("devhost-test-").FullName;
        var extensions = new JsonObject { ["queues"] = queues ?? new JsonObject() };
        var host = new JsonObject
        {
            ["version"] = "2.0",
            ["customHandler"] = new JsonObject
            {
                ["description"] = new JsonObject { ["defaultExecutablePath"] = HandlerExecutable, ["workingDirectory"] = "", ["arguments"] = new JsonArray() },
                ["enableForwardingHttpRequest"] = true,
            },
            ["extensions"] = extensions,
        };
        foreach (var (key, value) in hostExtras ?? [])
        {
            host[key] = value?.DeepClone();
        }
        WriteHost(host);
        File.WriteAllText(SettingsPath, new JsonObject
        {
            ["IsEncrypted"] = false,
            ["Values"] = new JsonObject
            {
                ["AzureWebJobsStorage"] = storageConnectionString,
                ["FUNCTIONS_WORKER_RUNTIME"] = "custom",
                ["Greeting"] = "bonjour",
            },
        }.ToJsonString());
    }

    public static string HandlerExecutable { get; } = RepoPaths.Combine(
        "tests", "DevHost.TestHandler", "bin", RepoPaths.Configuration, "net10.0",
        OperatingSystem.IsWindows() ? "Microstructures.DevHost.TestHandler.exe" : "Microstructures.DevHost.TestHandler");

    public string Folder { get; }

    public string SettingsPath => Path.Combine(Folder, "local.settings.json");

    public DevHostServer Server => _server ?? throw new InvalidOperationException("StartAsync first");

    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public void WriteHost(JsonObject host) => File.WriteAllText(Path.Combine(Folder, "host.json"), host.ToJsonString());

    public string AddFunction(string name, string functionJson)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Folder, name));
        var path = Path.Combine(dir.FullName, "function.json");
        File.WriteAllText(path, functionJson);
        return path;
    }

    public string AddQueueFunction(string name, string queueName, string bindingName = "message") => AddFunction(name, $$"""
        {"bindings":[{"type":"queueTrigger","direction":"in","name":"{{bindingName}}","queueName":"{{queueName}}","connection":"AzureWebJobsStorage"}]}
        """);

    public string AddTimerFunction(string name, string schedule, bool? useMonitor = null) => AddFunction(name, $$"""
        {"bindings":[{"type":"timerTrigger","direction":"in","name":"timer","schedule":"{{schedule}}"{{(useMonitor is null ? "" : $",\"useMonitor\":{useMonitor.Value.ToString().ToLowerInvariant()}")}}}]}
        """);

    public string AddHttpFunction(string name, string route, params string[] methods) => AddFunction(name, $$"""
        {"bindings":[
          {"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous","route":"{{route}}"{{(methods.Length == 0 ? "" : ",\"methods\":[" + string.Join(",", methods.Select(m => $"\"{m}\"")) + "]")}}},
          {"type":"http","direction":"out","name":"res"}]}
        """);

    public async Task<DevHostServer> StartAsync(Action<DevHostOptions>? configure = null)
    {
        var options = new DevHostOptions
        {
            ScriptRoot = Folder,
            SettingsPath = SettingsPath,
            Port = 0,
            MaxPollingInterval = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(options);
        _server = await DevHostServer.StartAsync(options);
        Client.BaseAddress = _server.BaseUrl;
        return _server;
    }

    // What the test handler received, in order, for one function.
    public async Task<List<JsonObject>> InvocationsAsync(string function)
    {
        var all = await Client.GetFromJsonAsync<JsonArray>(new Uri(Server.HandlerBaseUrl, "_test/invocations"));
        return all!.OfType<JsonObject>().Where(i => (string?)i["function"] == function).ToList();
    }

    public static JsonObject BodyOf(JsonObject invocation) => (JsonObject)JsonNode.Parse((string)invocation["body"]!)!;

    public static string UniqueQueueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];

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

internal static class Eventually
{
    // Polls until the condition holds; fails with the description after the timeout (never a fixed sleep).
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string description, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeoutSeconds} s waiting for: {description} (last value: {value})");
            }
            await Task.Delay(50);
        }
    }
}
