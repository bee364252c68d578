using System.Diagnostics;
using System.Globalization;
using Microstructures.TestSupport;

namespace Microstructures.Bench;

internal sealed record ReadyToRunResult(double ReadyToRun, double Plain, int Runs, int Errors)
{
    public double Ratio => ReadyToRun / Plain;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"ready-to-run (median of {Runs}, process start -> first 200 on /api/health through the DevHost): the deployment package " +
        $"(scripts/package.sh: linux-x64, ReadyToRun) {ReadyToRun:F0} ms, the same publish without ReadyToRun {Plain:F0} ms; 5xx answers {Errors}");
}

// Whether ReadyToRun, as scripts/package.sh publishes, shortens the worker's cold start: src/Functions
// published twice for linux-x64 (with and without it), each started by the same DevHost, alternating.
internal static class ReadyToRunMeasure
{
    public static async Task<ReadyToRunResult> RunAsync(Azurite azurite, int runs)
    {
        var readyToRun = Path.Combine(Path.GetTempPath(), "bench-r2r-" + Guid.NewGuid().ToString("N"));
        var plain = Path.Combine(Path.GetTempPath(), "bench-plain-" + Guid.NewGuid().ToString("N"));
        try
        {
            await PublishAsync(readyToRun, true);
            await PublishAsync(plain, false);
            var (withIt, without) = (new List<double>(), new List<double>());
            var errors = 0;
            for (var i = 0; i < runs; i++)
            {
                foreach (var (folder, times) in new[] { (readyToRun, withIt), (plain, without) })
                {
                    var port = FreePort.Next();
                    var settings = Platform.WriteSettings(azurite.IsolatedConnectionString(), port);
                    var clock = Stopwatch.StartNew();
                    var process = Platform.StartDevHost(settings, port, folder, timers: true);
                    try
                    {
                        var (elapsed, serverErrors) = await Platform.TimeToFirst200Async(process, clock, new Uri($"http://127.0.0.1:{port}/api/health"));
                        times.Add(elapsed.TotalMilliseconds);
                        errors += serverErrors;
                    }
                    finally
                    {
                        Platform.Stop(process);
                        File.Delete(settings);
                    }
                }
            }
            return new ReadyToRunResult(ColdStartMeasure.Median(withIt), ColdStartMeasure.Median(without), runs, errors);
        }
        finally
        {
            foreach (var folder in new[] { readyToRun, plain })
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    }

    // The command of scripts/package.sh, ReadyToRun or not.
    private static async Task PublishAsync(string output, bool readyToRun)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "publish", RepoPaths.Combine("src", "Functions", "Functions.csproj"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
            $"-p:PublishReadyToRun={(readyToRun ? "true" : "false")}", "-o", output, "-nologo", "-v:q",
        })
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet publish failed: " + await stdout + await stderr);
        }
    }
}
