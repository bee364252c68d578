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
            workerPid = (int)status!["processId"]!;
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
