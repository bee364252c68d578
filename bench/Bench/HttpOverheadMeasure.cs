using System.Diagnostics;
using System.Globalization;
using Microstructures.TestSupport;

namespace Microstructures.Bench;

internal sealed record HttpLatency(double Through, double Bare, int Requests, int ThroughErrors, int BareErrors)
{
    public double Overhead => Through - Bare;

    public double Ratio => Through / Bare;
}

internal sealed record HttpOverheadResult(HttpLatency Sequential, HttpLatency Concurrent, int Clients)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"http overhead (GET /api/health, mean per request): sequential {Sequential.Through:F2} ms through the DevHost (one-function worker) vs {Sequential.Bare:F2} ms bare app, " +
        $"+{Sequential.Overhead:F2} ms ({Sequential.Requests} requests); {Clients} concurrent clients {Concurrent.Through:F2} ms vs {Concurrent.Bare:F2} ms, " +
        $"+{Concurrent.Overhead:F2} ms ({Concurrent.Requests} requests); 5xx answers {Sequential.ThroughErrors + Concurrent.ThroughErrors} / {Sequential.BareErrors + Concurrent.BareErrors}");
}

// Issue 8's HTTP overhead: what the host's path adds to a request (the DevHost's routing, the forward to the
// worker's ASP.NET Core integration, the InvocationRequest over gRPC and its answer, the worker's pipeline),
// measured with the one-function worker so no app code is in it, against the bare ASP.NET Core app answering
// the same route directly. Sequential, then `clients` clients each sending one request after another.
internal static class HttpOverheadMeasure
{
    private const int WarmUp = 200;

    public static async Task<HttpOverheadResult> RunAsync(Azurite azurite, int requests, int clients)
    {
        var port = FreePort.Next();
        var settings = Platform.WriteSettings(azurite.IsolatedConnectionString(), port);
        var devHost = Platform.StartDevHost(settings, port, Platform.BareWorkerOutput);
        var barePort = FreePort.Next();
        var bare = Platform.StartBareApp(barePort);
        try
        {
            var through = new Uri($"http://127.0.0.1:{port}/api/health");
            var direct = new Uri($"http://127.0.0.1:{barePort}/api/health");
            await Platform.TimeToFirst200Async(devHost, Stopwatch.StartNew(), through);
            await Platform.TimeToFirst200Async(bare, Stopwatch.StartNew(), direct);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients });
            await MeanAsync(http, through, WarmUp, clients);
            await MeanAsync(http, direct, WarmUp, clients);

            var (seqThrough, seqThroughErrors) = await MeanAsync(http, through, requests, 1);
            var (seqBare, seqBareErrors) = await MeanAsync(http, direct, requests, 1);
            var (conThrough, conThroughErrors) = await MeanAsync(http, through, requests * clients, clients);
            var (conBare, conBareErrors) = await MeanAsync(http, direct, requests * clients, clients);
            return new HttpOverheadResult(
                new HttpLatency(seqThrough, seqBare, requests, seqThroughErrors, seqBareErrors),
                new HttpLatency(conThrough, conBare, requests * clients, conThroughErrors, conBareErrors),
                clients);
        }
        finally
        {
            Platform.Stop(devHost);
            Platform.Stop(bare);
            File.Delete(settings);
        }
    }

    // `clients` loops share `total` requests; returns the mean latency of a request and the 5xx answers
    // (a request that fails without an answer counts as one too).
    private static async Task<(double MeanMs, int ServerErrors)> MeanAsync(HttpClient http, Uri url, int total, int clients)
    {
        var next = 0;
        var errors = 0;
        var ticks = 0L;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= total)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync(url);
                    await response.Content.ReadAsByteArrayAsync();
                    if ((int)response.StatusCode >= 500)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                Interlocked.Add(ref ticks, Stopwatch.GetTimestamp() - start);
            }
        }));
        return (ticks * 1000.0 / Stopwatch.Frequency / total, errors);
    }
}
