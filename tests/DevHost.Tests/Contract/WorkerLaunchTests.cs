using System.Text.Json.Nodes;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Tests.Support;
using Microstructures.DevHost.Worker;

namespace Microstructures.DevHost.Tests.Contract;

// worker-process-start.json: how the real host (with func) starts this worker.
public sealed class WorkerLaunchTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("devhost-launch-").FullName;
    private readonly JsonObject _vector = (JsonObject)JsonNode.Parse(ContractVectors.Text("worker-process-start.json"))!;

    public WorkerLaunchTests()
    {
        File.WriteAllText(Path.Combine(_folder, "worker.config.json"),
            """{"description":{"language":"dotnet-isolated","defaultExecutablePath":"dotnet","defaultWorkerPath":"Iso.dll"}}""");
        File.WriteAllText(Path.Combine(_folder, "Iso.dll"), "");
        File.WriteAllText(Path.Combine(_folder, "local.settings.json"),
            """{"IsEncrypted":false,"Values":{"FUNCTIONS_WORKER_RUNTIME":"dotnet-isolated","AzureWebJobsStorage":"UseDevelopmentStorage=true","Greeting":"bonjour"}}""");
    }

    private WorkerLaunch Launch(Action<DevHostOptions>? configure = null)
    {
        var options = new DevHostOptions { ScriptRoot = _folder };
        configure?.Invoke(options);
        var settings = LocalSettings.Load(options);
        var config = WorkerConfig.Load(_folder);
        return WorkerLaunch.Create(_folder, config, WorkerLaunch.Validate(config, settings), settings, new Uri("http://127.0.0.1:7071/"));
    }

    [Fact]
    public void ArgumentsAreTheHostsWithThisWorkersPathPortAndIds()
    {
        var expected = _vector["arguments"]!.AsArray().Select(a => (string)a!)
            .Select(a => a.Replace("/home/site/wwwroot/Iso.dll", Path.Combine(_folder, "Iso.dll"), StringComparison.Ordinal)
                .Replace("39351", "40123", StringComparison.Ordinal)
                .Replace("35d8ed9d-1f21-4148-9daa-a80535e59eab", "worker-1", StringComparison.Ordinal)
                .Replace("75762f03-85e0-4c49-ab88-18ecce3946b4", "request-1", StringComparison.Ordinal));

        Assert.Equal(expected, Launch().Arguments(new Uri("http://127.0.0.1:40123/"), "worker-1", "request-1"));
    }

    [Fact]
    public void EnvironmentAddsWhatTheHostAndFuncAddToTheSettings()
    {
        var environment = Launch().Environment;

        foreach (var (name, _) in _vector["environment"]!.AsObject())
        {
            Assert.True(environment.ContainsKey(name) || Environment.GetEnvironmentVariable(name) is not null, $"{name} is missing");
        }
        Assert.Equal(_folder, environment["FUNCTIONS_WORKER_DIRECTORY"]);
        Assert.Equal(_folder, environment["FUNCTIONS_APPLICATION_DIRECTORY"]);
        Assert.Equal(_folder, environment["AzureWebJobsScriptRoot"]);
        Assert.Equal("127.0.0.1:7071", environment["WEBSITE_HOSTNAME"]);
        Assert.Equal("bonjour", environment["Greeting"]);
    }

    [Fact]
    public void SetOverridesWinOverTheFile()
    {
        var environment = Launch(o => o.SettingOverrides["Greeting"] = "salut").Environment;

        Assert.Equal("salut", environment["Greeting"]);
    }

    [Fact]
    public void ACustomHandlerRuntimeIsRefusedNamingTheSetting()
    {
        File.WriteAllText(Path.Combine(_folder, "local.settings.json"), """{"Values":{"FUNCTIONS_WORKER_RUNTIME":"custom"}}""");

        var ex = Assert.Throws<DevHostConfigurationException>(() => Launch());
        Assert.Equal("Values.FUNCTIONS_WORKER_RUNTIME", ex.Field);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
