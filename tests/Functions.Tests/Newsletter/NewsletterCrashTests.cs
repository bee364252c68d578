using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microstructures.Core.Newsletter;

namespace Microstructures.Functions.Tests.Newsletter;

// Batches of two recipients, one queue message at a time (so "the next call" is one batch's), a worker
// restarted at once when it dies, and a ReconcileDelay long enough for the provider's events to come
// after a restart but short enough to wait for.
public sealed class NewsletterCrashHost() : NewsletterHost(new Dictionary<string, string>
{
    ["Newsletter__BatchSize"] = "2",
    ["Newsletter__ReconcileDelay"] = "00:00:30",
    ["Newsletter__BatchRetryAfter"] = "00:00:01",
    ["AzureFunctionsJobHost__extensions__queues__batchSize"] = "1",
    ["AzureFunctionsJobHost__extensions__queues__newBatchThreshold"] = "0",
})
{
    protected override TimeSpan WorkerRestartInterval => TimeSpan.Zero;
}

// The crash test through the DevHost and the real worker, the real SendGrid client against the
// DevHost's sink: the worker process is killed while the sink holds a batch's call before storing it
// (the provider never took it), then while it holds the answer of a stored call (taken, never recorded);
// a third batch's settled call is left as a crash before its recount leaves it. The resumed timer
// finishes the campaign with exactly one copy per subscriber.
public sealed class NewsletterCrashTests(NewsletterCrashHost app) : IClassFixture<NewsletterCrashHost>
{
    [Fact]
    public async Task CrashesAtTheThreePointsOfABatchThenAResumeSendEverySubscriberExactlyOneCopy()
    {
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var addresses = Enumerable.Range(1, 6).Select(i => NewsletterHost.Mail($"pro{i}")).ToList();
        using (var import = await staff.PostAsync("/api/manage/newsletter/subscribers/import?source=Annuaire%20test",
            new ByteArrayContent(Encoding.UTF8.GetBytes("E-mail\n" + string.Join("\n", addresses) + "\n"))))
        {
            import.EnsureSuccessStatusCode();
        }
        var month = NewsletterMonth.Of(DateTimeOffset.UtcNow);
        var subject = "Les nouvelles " + Guid.NewGuid().ToString("N")[..6];
        (await staff.PutAsJsonAsync($"/api/manage/newsletter/issues/{month}", new { subject, body = "Les réseaux se réunissent à **Metz**." })).EnsureSuccessStatusCode();
        (await staff.PostAsync($"/api/manage/newsletter/issues/{month}/ready", null)).EnsureSuccessStatusCode();
        var campaigns = app.Services.Get<CampaignStore>();
        try
        {
            // 1. Before the provider call: the first call is held before the sink stores anything; the worker dies.
            await FaultAsync(client, new { stall = "before", count = 1 });
            var run = await app.RunFunctionAsync("MonthlyNewsletterTimer");
            Assert.True(run.GetProperty("succeeded").GetBoolean(), run.ToString());
            await UntilAsync(() => HeldAsync(client), held => held == 1, "the first call held before the provider");
            var batches = await campaigns.ListBatchesAsync(month);
            Assert.Equal(3, batches.Count);
            var neverSent = await SendingBatchAsync(campaigns, month, batches);
            await FaultAsync(client, new { stall = "after", count = 1 });
            await CrashWorkerAsync();

            // 2. After the provider call, before settling: the next call is stored by the sink, whose answer
            // is held; the worker dies. SendGrid's processed events for it then reach the restarted worker.
            await UntilAsync(() => HeldAsync(client), held => held == 1, "the next call stored and its answer held");
            var taken = await CopiesAsync(client, subject);
            Assert.Equal(2, taken.Length); // the first call stored nothing
            var takenBatch = Assert.Single(taken.Select(BatchOf).Distinct());
            Assert.NotEqual(neverSent, takenBatch);
            await CrashWorkerAsync();
            using (var events = await app.PostEventsAsync(taken.Select(Processed).ToArray()))
            {
                events.EnsureSuccessStatusCode();
            }

            // 3. After settling: the third batch goes through; a crash before its recount leaves it not done
            // and its message back on the queue.
            var third = batches.Select(b => b.Number).Single(n => n != neverSent && n != takenBatch);
            var settled = (await UntilAsync(() => campaigns.GetBatchAsync(month, third), b => b is { Done: true }, "the third batch sent"))!;
            Assert.Equal(4, (await CopiesAsync(client, subject)).Length);
            settled.Done = false;
            settled.Sent = 0;
            settled.LastActivityAt = DateTimeOffset.UtcNow.AddMinutes(-1);
            await campaigns.UpdateBatchProgressAsync(settled);
            await campaigns.QueueBatchAsync(month, third);

            // Resume: the timer keeps the campaign moving; the first batch's rows are sent once the
            // ReconcileDelay passed without an event (they never reached the provider).
            var progress = await UntilAsync(async () =>
            {
                await app.RunFunctionAsync("MonthlyNewsletterTimer");
                return await staff.GetFromJsonAsync<JsonElement>($"/api/manage/newsletter/issues/{month}/campaign");
            }, p => p.GetProperty("status").GetString() == "Sent", "the campaign complete", TimeSpan.FromMinutes(3));
            Assert.Equal((6, 0, 0), (progress.GetProperty("sent").GetInt32(), progress.GetProperty("pending").GetInt32(), progress.GetProperty("failed").GetInt32()));

            Assert.True((await app.RunFunctionAsync("MonthlyNewsletterTimer")).GetProperty("succeeded").GetBoolean());
            var copies = (await CopiesAsync(client, subject)).Select(c => c.GetProperty("to")[0].GetString()!).ToList();
            Assert.Equal(addresses.Order(StringComparer.Ordinal), copies.Order(StringComparer.Ordinal));
        }
        finally
        {
            await client.DeleteAsync(new Uri("/_devhost/sink/faults", UriKind.Relative));
        }
    }

    // Kills the worker process as a crash would (no shutdown) and waits for the DevHost's new one.
    private async Task CrashWorkerAsync()
    {
        var pid = app.WorkerProcessId() ?? throw new InvalidOperationException("No worker is running.");
        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
            await worker.WaitForExitAsync();
        }
        await UntilAsync(() => Task.FromResult(app.WorkerProcessId()), id => id is not null && id != pid, "a new worker");
    }

    private static async Task<int> SendingBatchAsync(CampaignStore campaigns, NewsletterMonth month, IReadOnlyList<BatchEntity> batches)
    {
        var sending = new List<int>();
        foreach (var batch in batches)
        {
            if ((await campaigns.ListDeliveriesAsync(month, batch)).Any(r => r.StatusValue() == DeliveryStatus.Sending))
            {
                sending.Add(batch.Number);
            }
        }
        return Assert.Single(sending);
    }

    private static int BatchOf(JsonElement copy) =>
        DeliveryKey.TryParse(copy.GetProperty("customArgs").GetProperty(NewsletterBatchSender.DeliveryArg).GetString(), out var key) ? key.Batch : -1;

    // What SendGrid's Event Webhook posts for a message it took: the custom args at the top level.
    private static Dictionary<string, object?> Processed(JsonElement copy) => new()
    {
        ["event"] = "processed",
        ["email"] = copy.GetProperty("to")[0].GetString(),
        ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["sg_event_id"] = Guid.NewGuid().ToString("N"),
        ["sg_message_id"] = copy.GetProperty("sgMessageId").GetString(),
        [NewsletterBatchSender.CampaignArg] = copy.GetProperty("customArgs").GetProperty(NewsletterBatchSender.CampaignArg).GetString(),
        [NewsletterBatchSender.DeliveryArg] = copy.GetProperty("customArgs").GetProperty(NewsletterBatchSender.DeliveryArg).GetString(),
    };

    private static async Task<JsonElement[]> CopiesAsync(HttpClient client, string subject) =>
        (await client.GetFromJsonAsync<JsonElement[]>("/_devhost/outbox"))!.Where(m => m.GetProperty("subject").GetString() == subject).ToArray();

    private static async Task FaultAsync(HttpClient client, object fault) =>
        (await client.PostAsJsonAsync("/_devhost/sink/faults", fault)).EnsureSuccessStatusCode();

    private static async Task<int> HeldAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/_devhost/sink/faults")).GetProperty("held").GetInt32();

    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited in vain for {what}; last seen: {value}");
            }
            await Task.Delay(250);
        }
    }
}
