using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microstructures.Core.Email;
using Microstructures.Core.Storage;
using Microstructures.TestSupport;

namespace Microstructures.Bench;

// From the first dispatch: when the first and the last of `Count` e-mails were in the sink.
internal sealed record SinkTimes(TimeSpan First, TimeSpan Last, int Count)
{
    // The steady rate, first to last e-mail: without the time the first message waits for a poll.
    public double Rate => (Count - 1) / (Last - First).TotalSeconds;
}

internal sealed record QueueResult(SinkTimes Pipeline, SinkTimes Floor, double Raw, int Emails, int PipelineFailedSends, int FloorFailedSends)
{
    public double Ratio => Pipeline.Rate / Floor.Rate;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"queue path ({Emails} e-mails, rate from the first to the last in the sink): {Pipeline.Rate:F1} e-mails/s through DevHost -> SendEmail -> sink " +
        $"(first after {Pipeline.First.TotalMilliseconds:F0} ms, last after {Pipeline.Last.TotalMilliseconds:F0} ms), floor {Floor.Rate:F1} e-mails/s " +
        $"(the same storage and sink calls in one process, no host; first after {Floor.First.TotalMilliseconds:F0} ms, last after {Floor.Last.TotalMilliseconds:F0} ms), " +
        $"raw queue send+receive+delete {Raw:F1} msg/s; e-mails whose send failed (a 5xx from the sink) {PipelineFailedSends} / {FloorFailedSends}");
}

// Issue 8's queue path: e-mails recorded in the outbox (untimed, the business side), then dispatched, and
// timed by their arrival in the DevHost's SendGrid sink: the rate from the first to the last (the first
// one's wait for the listener's next poll, up to maxPollingInterval after an idle spell, is printed apart). The floor does the same storage and sink
// calls for each e-mail in one process without a host: receive from the queue (16 at a time, fetching again
// when half are done, as the host's listener does), EmailDispatcher.DeliverAsync (claim, read, send to the
// same DevHost sink, settle), delete. Same Azurite; each side on a storage account of its own.
internal static class QueueMeasure
{
    private const int BatchSize = 16;
    private const int NewBatchThreshold = BatchSize / 2;

    public static async Task<QueueResult> RunAsync(Azurite azurite, int count)
    {
        var raw = await RawRateAsync(azurite.IsolatedConnectionString(), count);
        var storage = azurite.IsolatedConnectionString();
        var port = FreePort.Next();
        var settings = Platform.WriteSettings(storage, port);
        var devHost = Platform.StartDevHost(settings, port);
        try
        {
            var sink = new Uri($"http://127.0.0.1:{port}");
            await Platform.TimeToFirst200Async(devHost, Stopwatch.StartNew(), new Uri(sink, "/api/health"));
            // The sink stores into the DevHost's storage account, the floor's e-mails too.
            var sinkOutbox = new BlobServiceClient(storage).GetBlobContainerClient("outbox");
            var (floor, floorFailed) = await FloorAsync(azurite.IsolatedConnectionString(), sink, sinkOutbox, count);
            var (pipeline, pipelineFailed) = await PipelineAsync(storage, sink, sinkOutbox, count);
            return new QueueResult(pipeline, floor, raw, count, pipelineFailed, floorFailed);
        }
        finally
        {
            Platform.Stop(devHost);
            File.Delete(settings);
        }
    }

    private static async Task<double> RawRateAsync(string storage, int count)
    {
        var queue = new QueueServiceClient(storage, StorageServiceCollectionExtensions.QueueOptions()).GetQueueClient("bench-raw");
        await queue.CreateIfNotExistsAsync();
        var clock = Stopwatch.StartNew();
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

    private static async Task<(SinkTimes Times, int FailedSends)> PipelineAsync(string storage, Uri sink, BlobContainerClient sinkOutbox, int count)
    {
        await using var services = Services(storage, sink);
        var outbox = services.GetRequiredService<EmailOutbox>();
        var ids = await PrepareAsync(outbox, count);
        var arrivals = WatchSinkAsync(sinkOutbox, await CountAsync(sinkOutbox), count);
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) => await outbox.DispatchAsync(id, ct));
        var times = await arrivals;
        return (times, await FailedSendsAsync(services.GetRequiredService<EmailStore>(), ids));
    }

    private static async Task<(SinkTimes Times, int FailedSends)> FloorAsync(string storage, Uri sink, BlobContainerClient sinkOutbox, int count)
    {
        await using var services = Services(storage, sink);
        var outbox = services.GetRequiredService<EmailOutbox>();
        var dispatcher = services.GetRequiredService<EmailDispatcher>();
        var queue = await services.GetRequiredService<StorageInitializer>().QueueAsync(EmailOutbox.QueueName);
        var ids = await PrepareAsync(outbox, count);
        var arrivals = WatchSinkAsync(sinkOutbox, await CountAsync(sinkOutbox), count);
        var clock = Stopwatch.StartNew();
        var dispatch = Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) => await outbox.DispatchAsync(id, ct));
        var done = 0;
        var running = new List<Task>();
        async Task HandleAsync(QueueMessage message)
        {
            var emailId = EmailOutbox.ParseQueueMessage(message.MessageText)!.EmailId;
            await dispatcher.DeliverAsync(emailId);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            Interlocked.Increment(ref done);
        }
        while (Volatile.Read(ref done) < count)
        {
            running.RemoveAll(t => t.IsCompleted);
            if (running.Count > NewBatchThreshold)
            {
                await Task.WhenAny(running);
                continue;
            }
            var batch = (await queue.ReceiveMessagesAsync(BatchSize, TimeSpan.FromMinutes(10))).Value;
            running.AddRange(batch.Select(HandleAsync));
            if (batch.Length == 0)
            {
                await Task.Delay(10);
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("the floor did not send every e-mail within 5 minutes");
            }
        }
        await Task.WhenAll(running);
        await dispatch;
        var times = await arrivals;
        return (times, await FailedSendsAsync(services.GetRequiredService<EmailStore>(), ids));
    }

    // The app's storage and e-mail services (src/Core), the SendGrid client pointed at the DevHost's sink.
    private static ServiceProvider Services(string storage, Uri sink)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage,
            ["Email:FromAddress"] = "no-reply@example.org",
            ["SendGrid:ApiKey"] = "SG.bench",
            ["SendGrid:Host"] = sink.ToString().TrimEnd('/'),
        }).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton(TimeProvider.System)
            .AddPlatformStorage()
            .AddEmail()
            .BuildServiceProvider();
    }

    private static async Task<string[]> PrepareAsync(EmailOutbox outbox, int count)
    {
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
        return ids;
    }

    // When the first and the last of `count` new e-mails were in the sink, from now. Blob names only:
    // reading the sink's JSON (every body) while the e-mails flow would slow what is measured.
    private static async Task<SinkTimes> WatchSinkAsync(BlobContainerClient sinkOutbox, int before, int count)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null;
        while (true)
        {
            var stored = await CountAsync(sinkOutbox) - before;
            if (stored > 0)
            {
                first ??= clock.Elapsed;
            }
            if (stored >= count)
            {
                return new SinkTimes(first!.Value, clock.Elapsed, count);
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"{stored} of {count} e-mails reached the sink within 5 minutes");
            }
            await Task.Delay(25);
        }
    }

    private static async Task<int> CountAsync(BlobContainerClient container)
    {
        var stored = 0;
        if (await container.ExistsAsync())
        {
            await foreach (var _ in container.GetBlobsAsync())
            {
                stored++;
            }
        }
        return stored;
    }

    // An e-mail whose send the sink did not accept keeps the provider's answer in LastError (then is retried).
    private static async Task<int> FailedSendsAsync(EmailStore store, string[] ids)
    {
        var failed = 0;
        foreach (var id in ids)
        {
            if (await store.GetAsync(id) is { } record && (record.Attempts > 1 || record.LastError is not null))
            {
                failed++;
            }
        }
        return failed;
    }
}
