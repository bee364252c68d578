using System.Diagnostics;
using System.Globalization;
using Microstructures.TestSupport;

namespace Microstructures.Bench;

internal sealed record ColdStartResult(double Platform, double BareWorker, double BareApp, int Runs, int PlatformErrors, int BareWorkerErrors, int BareAppErrors)
{
    public double Ratio => Platform / BareWorker;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"cold start (median of {Runs}, process start -> first 200 on /api/health): platform {Platform:F0} ms (DevHost + the app's worker), " +
        $"one-function worker {BareWorker:F0} ms (the same DevHost + bench/BareWorker), bare ASP.NET Core app {BareApp:F0} ms; " +
        $"5xx answers {PlatformErrors} / {BareWorkerErrors} / {BareAppErrors}");
}

// Issue 8's cold start: the DevHost CLI started as ./run.sh starts it, driving the app's worker, against the
// same DevHost driving a worker with one HTTP function (the difference is the app's own start-up), and
// the bare ASP.NET Core app beside them. Runs alternate so drift on a shared machine hits all three alike.
internal static class ColdStartMeasure
{
    public static async Task<ColdStartResult> RunAsync(Azurite azurite, int runs)
    {
        var platform = new List<double>();
        var bareWorker = new List<double>();
        var bareApp = new List<double>();
        int platformErrors = 0, bareWorkerErrors = 0, bareAppErrors = 0;
        for (var i = 0; i < runs; i++)
        {
            var (ms, errors) = await DevHostAsync(azurite, Platform.FunctionsOutput);
            platform.Add(ms);
            platformErrors += errors;

            (ms, errors) = await DevHostAsync(azurite, Platform.BareWorkerOutput);
            bareWorker.Add(ms);
            bareWorkerErrors += errors;

            var port = FreePort.Next();
            var clock = Stopwatch.StartNew();
            var process = Platform.StartBareApp(port);
            try
            {
                (var elapsed, errors) = await Platform.TimeToFirst200Async(process, clock, new Uri($"http://127.0.0.1:{port}/api/health"));
                bareApp.Add(elapsed.TotalMilliseconds);
                bareAppErrors += errors;
            }
            finally
            {
                Platform.Stop(process);
            }
        }
        return new ColdStartResult(Median(platform), Median(bareWorker), Median(bareApp), runs, platformErrors, bareWorkerErrors, bareAppErrors);
    }

    // A storage account of its own each run: the app's start-up work (the sample tree seeding is off, the
    // queues it creates) starts from nothing, as on a first ./run.sh.
    private static async Task<(double Milliseconds, int ServerErrors)> DevHostAsync(Azurite azurite, string scriptRoot)
    {
        var port = FreePort.Next();
        var settings = Platform.WriteSettings(azurite.IsolatedConnectionString(), port);
        try
        {
            var clock = Stopwatch.StartNew();
            var process = Platform.StartDevHost(settings, port, scriptRoot, timers: true);
            try
            {
                var (elapsed, errors) = await Platform.TimeToFirst200Async(process, clock, new Uri($"http://127.0.0.1:{port}/api/health"));
                return (elapsed.TotalMilliseconds, errors);
            }
            finally
            {
                Platform.Stop(process);
            }
        }
        finally
        {
            File.Delete(settings);
        }
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
