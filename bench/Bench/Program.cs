using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microstructures.Bench;
using Microstructures.Core.Email;
using Microstructures.Core.Storage;
using Microstructures.TestSupport;

// Each measure against a floor measured in the same run on the same machine:
//  1. cold start (issue 2): process start -> first 200 on /api/health through the DevHost, vs a bare ASP.NET Core app;
//  2. queue path (issue 2): e-mails/s through DevHost -> SendEmail -> sink, vs raw send+receive+delete on the same Azurite;
//  3. registration (issue 4): 1,000 concurrent registrations for 300 seats through the DevHost (exactly 300 201,
//     700 202, nothing else), p95 latency vs a bare endpoint doing one Table insert per request.
// Ratios are printed, never asserted: these machines are noisy. The last line is the summary of every ratio measured.
// Arguments: [cold-start runs (5)] [e-mails (300)] [--only cold-start,queue,registration]
var inv = CultureInfo.InvariantCulture;
var positional = new List<string>();
var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
string[] known = ["cold-start", "queue", "registration"];
for (var a = 0; a < args.Length; a++)
{
    if (args[a] == "--only" && a + 1 < args.Length)
    {
        foreach (var name in args[++a].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            only.Add(known.Contains(name, StringComparer.OrdinalIgnoreCase) ? name : throw new ArgumentException($"unknown measure '{name}': use {string.Join(", ", known)}"));
        }
    }
    else
    {
        positional.Add(args[a]);
    }
}
bool Runs(string measure) => only.Count == 0 || only.Contains(measure);
var runs = positional.Count > 0 ? int.Parse(positional[0], inv) : 5;
var emails = positional.Count > 1 ? int.Parse(positional[1], inv) : 300;
const int RegistrationAttempts = 1000;
const int Seats = 300;

var azurite = new Azurite();
await azurite.InitializeAsync();
try
{
    var summary = new List<string>();
    // 1. Cold start (median of `runs`, alternating so drift hits both alike).
    if (Runs("cold-start"))
    {
        var ours = new List<double>();
        var bare = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var port = FreePort.Next();
            var settings = Platform.WriteSettings(azurite.IsolatedConnectionString(), port);
            var clock = Stopwatch.StartNew();
            var devHost = Platform.StartDevHost(settings, port);
            ours.Add((await Platform.TimeToFirst200Async(devHost, clock, new Uri($"http://127.0.0.1:{port}/api/health"))).TotalMilliseconds);
            Platform.Stop(devHost);

            var barePort = FreePort.Next();
            clock.Restart();
            var bareApp = Platform.StartBareApp(barePort);
            bare.Add((await Platform.TimeToFirst200Async(bareApp, clock, new Uri($"http://127.0.0.1:{barePort}/api/health"))).TotalMilliseconds);
            Platform.Stop(bareApp);
            File.Delete(settings);
        }
        var oursMedian = Median(ours);
        var bareMedian = Median(bare);
        Console.WriteLine($"cold start: platform {oursMedian:F0} ms, bare app {bareMedian:F0} ms (median of {runs})");
        summary.Add(string.Create(inv, $"cold_start={oursMedian / bareMedian:F2}x (goal <= 1.5x)"));
    }

    // 2. Queue path.
    if (Runs("queue"))
    {
        var storage = azurite.IsolatedConnectionString();
        var rawRate = await RawQueueRateAsync(storage, emails);
        var pipelineRate = await PipelineRateAsync(storage, emails);
        Console.WriteLine($"queue path: {pipelineRate:F1} e-mails/s through DevHost -> SendEmail -> sink, raw queue {rawRate:F1} msg/s ({emails} messages)");
        summary.Add(string.Create(inv, $"queue_path={pipelineRate / rawRate:F2}x (goal >= 0.5x)"));
    }

    // 3. Registrations.
    if (Runs("registration"))
    {
        var r = await RegistrationMeasure.RunAsync(azurite, RegistrationAttempts, Seats);
        Console.WriteLine($"registration: {r.Attempts} concurrent attempts for {r.Seats} seats -> {r.Confirmed} confirmed (201), {r.Waitlisted} waitlisted (202), {r.Errors} errors");
        Console.WriteLine($"registration latency: platform {r.Platform}; bare one-insert endpoint {r.Bare}");
        foreach (var problem in r.Problems)
        {
            Console.WriteLine("registration PROBLEM: " + problem);
        }
        summary.Add(string.Create(inv, $"registration_p95={r.P95Ratio:F2}x (goal <= 3x), {r.Confirmed}/{r.Waitlisted}/{r.Errors} (goal {r.Seats}/{r.Attempts - r.Seats}/0{(r.Exact ? "" : ", NOT MET")})"));
    }

    Console.WriteLine("ratios: " + string.Join(' ', summary));
}
finally
{
    await azurite.DisposeAsync();
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static async Task<double> RawQueueRateAsync(string storage, int count)
{
    var queue = new QueueServiceClient(storage, StorageServiceCollectionExtensions.QueueOptions()).GetQueueClient("bench-raw");
    await queue.CreateIfNotExistsAsync();
    var clock = Stopwatch.StartNew();
    // Same concurrency shape as the pipeline: sends in parallel, then receive in batches and delete.
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
        async (i, ct) => await queue.SendMessageAsync("{\"emailId\":\"" + i + "\"}", ct));
    var received = 0;
    while (received < count)
    {
        var batch = (await queue.ReceiveMessagesAsync(32)).Value;
        await Task.WhenAll(batch.Select(m => queue.DeleteMessageAsync(m.MessageId, m.PopReceipt)));
        received += batch.Length;
    }
    return count / clock.Elapsed.TotalSeconds;
}

static async Task<double> PipelineRateAsync(string storage, int count)
{
    var port = FreePort.Next();
    var settings = Platform.WriteSettings(storage, port);
    var devHost = Platform.StartDevHost(settings, port);
    try
    {
        await Platform.TimeToFirst200Async(devHost, Stopwatch.StartNew(), new Uri($"http://127.0.0.1:{port}/api/health"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage,
            ["Email:FromAddress"] = "no-reply@example.org",
            ["SendGrid:ApiKey"] = "SG.bench",
        }).Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton(TimeProvider.System)
            .AddPlatformStorage()
            .AddEmail()
            .BuildServiceProvider();
        var outbox = services.GetRequiredService<EmailOutbox>();
        // Record first (the business side), then time only the queue path: dispatch -> SendEmail -> sink.
        var ids = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            ids[i] = await outbox.PrepareAsync(new EmailMessage
            {
                To = $"participant{i}@example.org",
                Subject = "Bench",
                Html = "<p>Bonjour</p>",
                Text = "Bonjour",
                Category = "bench",
            }, cancellationToken: ct));
        // Count the sink's stored messages by listing blob names only: reading the outbox JSON
        // (every message's body) while the pipeline runs would slow down what is measured.
        var sinkOutbox = new Azure.Storage.Blobs.BlobServiceClient(storage).GetBlobContainerClient("outbox");
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) => await outbox.DispatchAsync(id, ct));
        while (clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            var stored = 0;
            if (await sinkOutbox.ExistsAsync())
            {
                await foreach (var _ in sinkOutbox.GetBlobsAsync())
                {
                    stored++;
                }
            }
            if (stored >= count)
            {
                return count / clock.Elapsed.TotalSeconds;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the sink did not receive every e-mail within 5 minutes");
    }
    finally
    {
        Platform.Stop(devHost);
        File.Delete(settings);
    }
}
