using System.Text.Json.Nodes;
using Microstructures.DevHost.Tests.Support;

namespace Microstructures.DevHost.Tests.Configuration;

// A start that cannot succeed fails with the file and field to fix, and leaves no worker behind.
// Storage is never reached in these tests.
public sealed class StartupErrorTests
{
    private const string Storage = "UseDevelopmentStorage=true";

    [Fact]
    public async Task AFolderWithoutWorkerConfigIsRefusedNamingTheFile()
    {
        await using var host = new TestWorkerHost(Storage);
        File.Delete(Path.Combine(host.Folder, "worker.config.json"));

        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => host.StartAsync());
        Assert.Equal(Path.Combine(host.Folder, "worker.config.json"), ex.FilePath);
    }

    [Fact]
    public async Task AMissingWorkerAssemblyIsRefusedNamingTheField()
    {
        await using var host = new TestWorkerHost(Storage);
        File.Delete(Path.Combine(host.Folder, "Microstructures.DevHost.TestWorker.dll"));

        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => host.StartAsync());
        Assert.Equal("description.defaultWorkerPath", ex.Field);
    }

    [Fact]
    public async Task ACustomHandlerHostJsonIsRefused()
    {
        await using var host = new TestWorkerHost(Storage, hostExtras: new JsonObject
        {
            ["customHandler"] = new JsonObject { ["description"] = new JsonObject { ["defaultExecutablePath"] = "handler" } },
        });

        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => host.StartAsync());
        Assert.Equal("customHandler", ex.Field);
    }

    [Fact]
    public async Task InvalidHostJsonIsRefusedNamingTheFile()
    {
        await using var host = new TestWorkerHost(Storage);
        var path = Path.Combine(host.Folder, "host.json");
        File.WriteAllText(path, "{ \"version\": ");

        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => host.StartAsync());
        Assert.Equal(path, ex.FilePath);
    }

    [Fact]
    public async Task AnInvalidHostJsonOverrideIsRefusedNamingTheSetting()
    {
        await using var host = new TestWorkerHost(Storage, settings: new Dictionary<string, string>
        {
            ["AzureFunctionsJobHost__extensions__queues__batchSize"] = "64",
        });

        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => host.StartAsync());
        Assert.Equal(host.SettingsPath, ex.FilePath);
        Assert.Equal("AzureFunctionsJobHost__extensions__queues__batchSize", ex.Field);
    }

    [Fact]
    public async Task EncryptedSettingsAreRefusedNamingTheField()
    {
        await using var host = new TestWorkerHost(Storage);
        File.WriteAllText(host.SettingsPath, """{"IsEncrypted":true,"Values":{"AzureWebJobsStorage":"xyz"}}""");

        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => host.StartAsync());
        Assert.Equal(host.SettingsPath, ex.FilePath);
        Assert.Equal("IsEncrypted", ex.Field);
    }

    [Fact]
    public async Task MissingStorageSettingIsRefusedNamingTheField()
    {
        await using var host = new TestWorkerHost(Storage);
        host.Values.Remove("AzureWebJobsStorage");
        host.WriteSettings();

        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => host.StartAsync());
        Assert.Equal("Values.AzureWebJobsStorage", ex.Field);
    }

    [Fact]
    public async Task AnInvalidScheduleFromASettingFailsTheStartNamingTheFunctionAndLeavesNoWorker()
    {
        await using var host = new TestWorkerHost(Storage, settings: new Dictionary<string, string> { ["TestTimerSchedule"] = "every morning" });

        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => host.StartAsync());

        Assert.Contains(ex.FunctionName, new[] { "RecordTimer", "FailingTimer" });
        Assert.Equal("bindings[0].schedule", ex.Field);
        Assert.Contains("'every morning' is not a valid NCRONTAB expression", ex.Message, StringComparison.Ordinal);
        // The worker had started (the functions come from its metadata): it is gone.
        var pid = WorkerPid(host);
        await Eventually.UntilAsync(() => !ProcessAlive(pid), $"worker {pid} gone");
    }

    [Fact]
    public async Task AWorkerExitingDuringItsStartFailsTheStartWithItsExitCodeAndStderr()
    {
        await using var host = new TestWorkerHost(Storage);
        File.WriteAllText(Path.Combine(host.Folder, "exit.sh"), "echo 'fatal error: no runtime' >&2\nexit 3\n");
        File.WriteAllText(Path.Combine(host.Folder, "worker.config.json"),
            """{"description":{"language":"dotnet-isolated","defaultExecutablePath":"/bin/sh","defaultWorkerPath":"exit.sh"}}""");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("exited with code 3 before opening its EventStream", ex.Message, StringComparison.Ordinal);
        Assert.Contains("fatal error: no runtime", ex.Message, StringComparison.Ordinal);
    }

    internal static int WorkerPid(TestWorkerHost host)
    {
        var line = host.Logs.Entries.First(e => e.Message.StartsWith("Started worker process ", StringComparison.Ordinal)).Message;
        return int.Parse(line["Started worker process ".Length..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    // Gone, or a zombie waiting for its new parent to reap it: not running any more.
    internal static bool ProcessAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
