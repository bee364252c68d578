using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microstructures.DevHost.Tests.Configuration;
using Microstructures.DevHost.Tests.Support;
using Microstructures.TestSupport;

namespace Microstructures.DevHost.Tests.Worker;

public sealed class WorkerStartFixture : SharedHostFixture
{
    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Greeting"] = "bonjour",
        // The worker's own informational logs are filtered out, the test worker's kept.
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microstructures.DevHost.TestWorker"] = "Information",
    };

    protected override void Configure(DevHostOptions options) => options.SettingOverrides["Greeting"] = "salut";
}

// The worker process as the host starts it (contract-worker/worker-process-start.json), seen from /proc.
public sealed class WorkerStartTests(WorkerStartFixture fixture) : IClassFixture<WorkerStartFixture>
{
    private TestWorkerHost Host => fixture.Host;

    private int Pid => Host.Server.WorkerProcessId ?? throw new InvalidOperationException("no worker");

    private static Dictionary<string, string> Environ(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v.Length > 1 ? v[1] : "");

    [Fact]
    public void TheWorkerRunsDotnetWithTheHostsArguments()
    {
        var args = File.ReadAllText($"/proc/{Pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("dotnet", Path.GetFileName(args[0]));
        Assert.Equal(Path.Combine(Host.Folder, "Microstructures.DevHost.TestWorker.dll"), args[1]);
        var named = args.Skip(2).Chunk(2).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(
            ["--host", "--port", "--workerId", "--requestId", "--grpcMaxMessageLength",
             "--functions-uri", "--functions-worker-id", "--functions-request-id", "--functions-grpc-max-message-length"],
            named.Keys);
        Assert.Equal("127.0.0.1", named["--host"]);
        Assert.Equal($"http://127.0.0.1:{named["--port"]}/", named["--functions-uri"]);
        Assert.Equal(named["--workerId"], named["--functions-worker-id"]);
        Assert.Equal(named["--requestId"], named["--functions-request-id"]);
        Assert.True(Guid.TryParse(named["--functions-worker-id"], out _));
        Assert.Equal("2147483647", named["--functions-grpc-max-message-length"]);
        Assert.Equal("2147483647", named["--grpcMaxMessageLength"]);
    }

    [Fact]
    public void TheWorkerRunsInTheScriptRootWithTheHostsEnvironmentAndTheSettings()
    {
        Assert.Equal(Host.Folder, new DirectoryInfo($"/proc/{Pid}/cwd").LinkTarget);
        var environment = Environ(Pid);

        Assert.Equal(Host.Folder, environment["FUNCTIONS_WORKER_DIRECTORY"]);
        Assert.Equal(Host.Folder, environment["FUNCTIONS_APPLICATION_DIRECTORY"]);
        Assert.Equal(Host.Folder, environment["AzureWebJobsScriptRoot"]);
        Assert.Equal("dotnet-isolated", environment["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("Development", environment["AZURE_FUNCTIONS_ENVIRONMENT"]);
        Assert.Equal(Host.Server.BaseUrl.Authority, environment["WEBSITE_HOSTNAME"]);
        Assert.Equal(Host.StorageConnectionString, environment["AzureWebJobsStorage"]);
        Assert.Equal(Host.QueueName, environment["TestQueue"]);
        // --set wins over local.settings.json.
        Assert.Equal("salut", environment["Greeting"]);
    }

    [Fact]
    public async Task TheStatusAndFunctionListNameTheWorkerAndItsFunctions()
    {
        var status = (await Host.Client.GetFromJsonAsync<JsonObject>("/admin/host/status"))!;
        Assert.Equal("Running", (string)status["state"]!);
        Assert.Equal(Pid, (int)status["processId"]!);
        Assert.True((double)status["workerPingMs"]! >= 0);

        Assert.Contains(Host.Server.Functions, f => f is { Name: "RecordQueue", Trigger: "queue" } && f.Queue == Host.QueueName);
        Assert.Contains(Host.Server.Functions, f => f is { Name: "Echo", Trigger: "http", Route: "api/echo/{id?}" });
        Assert.Contains(Host.Server.Functions, f => f is { Name: "RecordTimer", Trigger: "timer", Schedule: TestWorkerHost.Yearly });
        var listed = (await Host.Client.GetFromJsonAsync<JsonArray>("/admin/functions"))!;
        Assert.Equal(Host.Server.Functions.Select(f => f.Name).Order(), listed.Select(f => (string)f!["name"]!).Order());
    }

    [Fact]
    public async Task WorkerLogsArePrintedWithTheFunctionAndInvocationThroughTheLevelFilter()
    {
        using var response = await Host.Client.GetAsync("/api/echo/log-me");
        var echo = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var invocationId = (string)echo["invocationId"]!;

        var line = await Eventually.UntilAsync(
            () => Task.FromResult(Host.Logs.Entries.FirstOrDefault(e => e.Message.Contains("Echo saw GET /api/echo/log-me", StringComparison.Ordinal))),
            e => e.Message is not null, "the function's log line");
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains($"[Echo {invocationId}]", line.Message, StringComparison.Ordinal);
        // Logging__LogLevel__Default=Warning: the worker's own information logs are not printed.
        Assert.DoesNotContain(Host.Logs.Entries, e => e.Category == "Microstructures.DevHost.Worker"
            && e.Level < LogLevel.Warning && !e.Message.Contains("Microstructures.DevHost.TestWorker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AWaitedAdminRunAnswersWithTheInvocationsOwnLogs()
    {
        var result = await Host.AdminRunAsync("RecordQueue", new { input = "admin-logs" });

        Assert.True((bool)result["succeeded"]!);
        Assert.Equal("Success", (string)result["status"]!);
        Assert.Equal(["RecordQueue got admin-logs"], result["logs"]!.AsArray().Select(l => (string)l!));
    }
}

// Crash, restart and stop: each test its own DevHost, as each ends a worker.
public sealed class WorkerLifecycleTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task ACrashedWorkerFailsItsRunningInvocationsAtOnceAndIsRestarted()
    {
        await using var host = new TestWorkerHost(azurite.IsolatedConnectionString());
        await host.StartAsync();
        var first = host.Server.WorkerProcessId!.Value;

        // A request in flight for a minute, then a function that ends the process with code 3.
        var slow = host.Client.GetAsync("/api/slow/60000");
        await Eventually.UntilAsync(() => host.Logs.Entries.Any(e => e.Message.StartsWith("Executing 'Functions.Slow'", StringComparison.Ordinal)), "the slow invocation running");
        using var crash = await host.Client.PostAsync("/api/crash/3", null);

        Assert.Equal(HttpStatusCode.InternalServerError, crash.StatusCode);
        using var slowResponse = await slow.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.InternalServerError, slowResponse.StatusCode);
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("Executed 'Functions.Slow' (Failed", StringComparison.Ordinal)
            && e.Message.Contains($"The worker process {first} exited with code 3 (0x3): Unhandled exception. crash requested with exit code 3", StringComparison.Ordinal));

        var second = await Eventually.UntilAsync(() => Task.FromResult(host.Server.WorkerProcessId), pid => pid is not null && pid != first, "a new worker");
        Assert.False(StartupErrorTests.ProcessAlive(first));
        using var echo = await host.Client.GetAsync("/api/echo/after");
        Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
        Assert.Equal(second, (int)(await echo.Content.ReadFromJsonAsync<JsonObject>())!["processId"]!);
    }

    [Fact]
    public async Task AnInvocationPastFunctionTimeoutFailsAndItsWorkerIsRestarted()
    {
        await using var host = new TestWorkerHost(azurite.IsolatedConnectionString(), hostExtras: new JsonObject { ["functionTimeout"] = "00:00:02" });
        await host.StartAsync();
        var first = host.Server.WorkerProcessId!.Value;

        using var response = await host.Client.GetAsync("/api/slow/60000");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("Timeout value of 00:00:02 was exceeded by function: Functions.Slow", StringComparison.Ordinal));
        await Eventually.UntilAsync(() => Task.FromResult(host.Server.WorkerProcessId), pid => pid is not null && pid != first, "a new worker");
        // The new worker answers. Its first call is cold and runs under the same 2 s limit: on a saturated
        // machine that call itself can time out (a 500, and one more restart), so the next one is asked.
        await Eventually.UntilAsync(async () =>
        {
            using var echo = await host.Client.GetAsync("/api/echo/after");
            return echo.StatusCode;
        }, status => status == HttpStatusCode.OK, "the restarted worker answering");
    }

    [Fact]
    public async Task AWorkerThatEndsWithCodeZeroIsNotRestartedLikeTheHost()
    {
        await using var host = new TestWorkerHost(azurite.IsolatedConnectionString());
        await host.StartAsync();
        var first = host.Server.WorkerProcessId!.Value;

        using var exit = await host.Client.PostAsync("/api/crash/0", null);

        Assert.Equal(HttpStatusCode.InternalServerError, exit.StatusCode);
        await Eventually.UntilAsync(() => !StartupErrorTests.ProcessAlive(first) && host.Server.WorkerProcessId is null, "the worker gone");
        Assert.Equal("Stopped", host.Server.WorkerState);
        Assert.False(host.Server.WorkerGaveUp.IsCompleted);
        using var echo = await host.Client.GetAsync("/api/echo/after");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, echo.StatusCode);
    }

    [Fact]
    public async Task TheThirdErrorWithinHalfAnHourStopsRestarting()
    {
        await using var host = new TestWorkerHost(azurite.IsolatedConnectionString());
        await host.StartAsync();

        for (var crash = 1; crash <= 3; crash++)
        {
            var pid = await Eventually.UntilAsync(() => Task.FromResult(host.Server.WorkerProcessId), p => p is not null, $"worker for crash {crash}");
            using var response = await host.Client.PostAsync("/api/crash/7", null);
            await Eventually.UntilAsync(() => !StartupErrorTests.ProcessAlive(pid!.Value), $"worker {pid} gone");
        }

        await host.Server.WorkerGaveUp.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Null(host.Server.WorkerProcessId);
        Assert.Equal("Stopped", host.Server.WorkerState);
    }

    [Fact]
    public async Task MissingSettingsAreCopiedFromTheSample()
    {
        await using var host = new TestWorkerHost(azurite.IsolatedConnectionString());
        var sample = Path.Combine(host.Folder, "local.settings.sample.json");
        File.Move(host.SettingsPath, sample);

        await host.StartAsync(o => o.SampleSettingsPath = sample);

        Assert.Equal(File.ReadAllText(sample), File.ReadAllText(host.SettingsPath));
    }

    [Fact]
    public async Task StoppingSendsWorkerTerminateAndTheWorkerExitsByItself()
    {
        var host = new TestWorkerHost(azurite.IsolatedConnectionString());
        await host.StartAsync();
        var pid = host.Server.WorkerProcessId!.Value;

        await host.DisposeAsync();

        Assert.False(StartupErrorTests.ProcessAlive(pid));
        Assert.Contains(host.Logs.Entries, e => e.Message == $"Worker {pid} stopped after WorkerTerminate");
    }
}
