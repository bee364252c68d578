using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microstructures.DevHost.Tests.Support;
using Microstructures.TestSupport;

namespace Microstructures.DevHost.Tests.Configuration;

// The DevHost as ./run.sh starts it: its own process.
public sealed class CommandLineTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static Process StartCli(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Microstructures.DevHost.dll"));
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        return Process.Start(psi)!;
    }

    // The worker's process id once the CLI on `port` runs it (GET /admin/host/status).
    private static async Task<int> WorkerPidAsync(int port)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        var status = await Eventually.UntilAsync(async () =>
        {
            try
            {
                return await client.GetFromJsonAsync<JsonObject>("/admin/host/status");
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, s => s?["processId"] is not null, "the DevHost running its worker");
        return (int)status!["processId"]!;
    }

    [Fact]
    public async Task ConfigurationErrorExitsWithCode2NamingTheFile()
    {
        var folder = Directory.CreateTempSubdirectory("devhost-cli-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "host.json"), """{"version":"2.0"}""");
            File.WriteAllText(Path.Combine(folder, "local.settings.json"), """{"Values":{"AzureWebJobsStorage":"UseDevelopmentStorage=true"}}""");
            using var process = StartCli("--script-root", folder, "--port", "0");
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(2, process.ExitCode);
            Assert.Contains(Path.Combine(folder, "worker.config.json"), await stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // What Ctrl-C in ./run.sh (or its SIGTERM) does: the worker gets WorkerTerminate and is gone, the CLI
    // exits with 0, and what it printed while stopping is information, not debug traces.
    [Fact]
    public async Task SigtermStopsTheWorkerAndExitsCleanly()
    {
        await using var host = new TestWorkerHost(azurite.IsolatedConnectionString());
        var port = FreePort.Next();
        using var cli = StartCli("--script-root", host.Folder, "--settings", host.SettingsPath, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--disable-timers");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        cli.OutputDataReceived += (_, e) => { if (e.Data is { } line) { output.Enqueue(line); } };
        cli.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { output.Enqueue(line); } };
        cli.BeginOutputReadLine();
        cli.BeginErrorReadLine();
        var workerPid = await WorkerPidAsync(port);

        using (var kill = Process.Start("kill", ["-TERM", cli.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, cli.ExitCode);
        Assert.False(StartupErrorTests.ProcessAlive(workerPid));
        Assert.Contains(output, l => l.Contains("stopped after WorkerTerminate", StringComparison.Ordinal));
        Assert.DoesNotContain(output, l => l.Contains(" dbug: ", StringComparison.Ordinal) || l.Contains(" trce: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoWorkerOutlivesADevHostKilledWithSigkill()
    {
        await using var host = new TestWorkerHost(azurite.IsolatedConnectionString());
        var port = FreePort.Next();
        using var cli = StartCli("--script-root", host.Folder, "--settings", host.SettingsPath, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--disable-timers", "--max-polling-interval", "00:00:01");
        cli.OutputDataReceived += (_, _) => { };
        cli.ErrorDataReceived += (_, _) => { };
        cli.BeginOutputReadLine();
        cli.BeginErrorReadLine();
        int workerPid;
        try
        {
            workerPid = await WorkerPidAsync(port);
            Assert.True(StartupErrorTests.ProcessAlive(workerPid));
        }
        finally
        {
            // SIGKILL: no handler of the DevHost runs.
            cli.Kill();
        }

        await Eventually.UntilAsync(() => !StartupErrorTests.ProcessAlive(workerPid), $"worker {workerPid} gone after its DevHost was killed");
    }
}
