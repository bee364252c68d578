using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microstructures.TestSupport;

namespace Microstructures.Bench;

// Starts processes the way ./run.sh does (dotnet <dll>) and times them from process start. Every process
// the bench starts (Azurite too, through Track) is killed with its tree when the bench is stopped by a
// signal: `kill` runs no finally block, and a bench stopped that way left its Azurite, DevHost and worker
// running.
internal static class Platform
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Process, bool> Started = new();

    private static readonly PosixSignalRegistration[] Signals =
        [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP }.Select(signal => PosixSignalRegistration.Create(signal, _ => KillStarted()))];

    // Touching Started runs the type's initializer, which registers Signals first.
    public static void Track(Process process) => Started[process] = true;

    private static void KillStarted()
    {
        foreach (var process in Started.Keys)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // exited already
            }
        }
    }

    public static string Output(string project, string assembly) =>
        RepoPaths.Combine(project, "bin", "Release", "net10.0", assembly + ".dll");

    public static string FunctionsOutput => RepoPaths.Combine("src", "Functions", "bin", "Release", "net10.0");

    // bench/BareWorker: an isolated worker with one HTTP function (GET /api/health), the floor the app's
    // worker is measured against under the same DevHost.
    public static string BareWorkerOutput => RepoPaths.Combine("bench", "BareWorker", "bin", "Release", "net10.0");

    public const string StaffKey = "bench-staff-key-0123456789";

    // local.settings.json for the DevHost; overrides replace or add values (e.g. raised rate limits).
    public static string WriteSettings(string storage, int devHostPort, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bench-settings-{Guid.NewGuid():N}.json");
        var values = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = storage,
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AzureWebJobsDisableHomepage"] = "true",
            ["App__PublicBaseUrl"] = $"http://127.0.0.1:{devHostPort}",
            ["Admin__ApiKey"] = StaffKey,
            ["Registrations__SigningKey"] = "bench-signing-key-0123456789abcdef0123456789",
            ["Forfaits__SigningKey"] = "bench-forfaits-signing-key-0123456789abcdef0123",
            ["Forfaits__RemindersStartDate"] = "2020-01-01",
            ["Newsletter__SigningKey"] = "bench-newsletter-signing-key-0123456789abcdef",
            ["Newsletter__AddressHashKey"] = "bench-newsletter-address-hash-key-0123456789abcdef",
            ["Newsletter__StaffAlertAddress"] = "equipe@example.org",
            ["Newsletter__PostalAddress"] = "1 rue de l'Exemple, 67000 Strasbourg",
            ["SendGrid__ApiKey"] = "SG.bench",
            ["SendGrid__Host"] = $"http://127.0.0.1:{devHostPort}",
            ["Email__FromAddress"] = "no-reply@example.org",
            ["Email__FromName"] = "CNRMS",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            values[key] = value;
        }
        File.WriteAllText(path, JsonSerializer.Serialize(new { IsEncrypted = false, Values = values }));
        return path;
    }

    // The DevHost CLI as ./run.sh starts it (dotnet <dll>), on a worker's build output (the app's by default).
    // Timers are off but for the cold start, which starts it exactly as ./run.sh does.
    public static Process StartDevHost(string settingsPath, int port, string? scriptRoot = null, bool timers = false)
    {
        string[] args = ["--script-root", scriptRoot ?? FunctionsOutput, "--settings", settingsPath, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--max-polling-interval", "00:00:02"];
        return Start(Output("src/DevHost", "Microstructures.DevHost"), timers ? args : [.. args, "--disable-timers"]);
    }

    // With storage, the bare app also maps POST /api/insert (one Table insert per request).
    public static Process StartBareApp(int port, string? storage = null) =>
        storage is null
            ? Start(Output("bench/BareApp", "Microstructures.Bench.BareApp"), "--urls", $"http://127.0.0.1:{port}")
            : Start(Output("bench/BareApp", "Microstructures.Bench.BareApp"), "--urls", $"http://127.0.0.1:{port}", "--BenchStorage", storage);

    private static Process Start(string dll, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + dll);
        Track(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) { Console.Error.WriteLine("  | " + line); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // Polls until the first 200 (the DevHost holds a request that arrives while its worker starts, so a
    // poll may wait); counts the 5xx answers met on the way.
    public static async Task<(TimeSpan Elapsed, int ServerErrors)> TimeToFirst200Async(Process process, Stopwatch clock, Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(90) };
        var serverErrors = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"process exited with {process.ExitCode} before answering {url}");
            }
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return (clock.Elapsed, serverErrors);
                }
                if ((int)response.StatusCode >= 500)
                {
                    serverErrors++;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(10);
        }
        throw new TimeoutException($"{url} did not answer 200 within 90 s");
    }

    public static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        Started.TryRemove(process, out _);
        process.Dispose();
    }
}
