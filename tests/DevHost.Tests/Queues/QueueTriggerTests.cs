using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microstructures.DevHost.Tests.Support;

namespace Microstructures.DevHost.Tests.Queues;

public sealed class QueueTriggerFixture : SharedHostFixture
{
    // Like the host with batchSize 2, newBatchThreshold 2 and maxDequeueCount 3.
    protected override JsonObject Queues => new() { ["batchSize"] = 2, ["newBatchThreshold"] = 2, ["maxDequeueCount"] = 3 };
}

// Queue messages as the host's queue trigger delivers them (contract-worker §4), through the worker.
// The tests share one DevHost and its queues: each uses messages of its own.
public sealed class QueueTriggerTests(QueueTriggerFixture fixture) : IClassFixture<QueueTriggerFixture>
{
    private TestWorkerHost Host => fixture.Host;

    // The poison queue's raw texts: another test puts a message there that is not base64.
    private async Task<List<string>> PoisonAsync()
    {
        var poison = new QueueClient(Host.StorageConnectionString, Host.QueueName + "-poison");
        return await poison.ExistsAsync() ? (await poison.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList() : [];
    }

    private static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));

    private async Task<List<Azure.Data.Tables.TableEntity>> RecordsOfAsync(string message, int count) =>
        await Eventually.UntilAsync(async () => (await Host.RecordsAsync("RecordQueue")).Where(r => r.GetString("Message") == message).ToList(),
            list => list.Count >= count, $"{count} invocations with '{message}'");

    [Fact]
    public async Task AJsonMessageArrivesAsTextWithTheHostsMetadataAndIsDeletedOnSuccess()
    {
        var message = $$"""{"submissionId":"{{Guid.NewGuid():N}}","attempt":1,"Id":"not-the-message-id-{{Guid.NewGuid():N}}"}""";
        var sent = (await Host.Queue(Host.QueueName).SendMessageAsync(message)).Value;

        var record = (await RecordsOfAsync(message, 1))[0];
        var data = TestWorkerHost.BindingData(record);

        Assert.Equal(message, (string)data["QueueTrigger"]!);
        Assert.Equal("1", (string)data["DequeueCount"]!);
        Assert.Equal("1", (string)data["attempt"]!);
        // A JSON message's properties go over the message's own (case-insensitively): its Id wins.
        Assert.StartsWith("not-the-message-id-", (string)data["Id"]!, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string)data["PopReceipt"]!));
        foreach (var date in new[] { "InsertionTime", "ExpirationTime", "NextVisibleTime" })
        {
            Assert.Matches(@"^""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00""$", (string)data[date]!);
        }
        Assert.Equal($"\"{sent.ExpirationTime.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss}+00:00\"", (string)data["ExpirationTime"]!);
        await Eventually.UntilAsync(async () => (await Host.Queue(Host.QueueName).PeekMessagesAsync(32)).Value.Any(m => m.MessageId == sent.MessageId),
            present => !present, "the message deleted");
    }

    [Fact]
    public async Task APlainMessageCarriesItsOwnId()
    {
        var message = "plain " + Guid.NewGuid();
        var sent = (await Host.Queue(Host.QueueName).SendMessageAsync(message)).Value;

        var data = TestWorkerHost.BindingData((await RecordsOfAsync(message, 1))[0]);

        Assert.Equal(sent.MessageId, (string)data["Id"]!);
        Assert.Equal(message, (string)data["QueueTrigger"]!);
    }

    [Fact]
    public async Task AMessageBindsToAPocoParameter()
    {
        var id = Guid.NewGuid().ToString("N");
        await Host.Queue(Host.OrderQueueName).SendMessageAsync($$"""{"Id":"{{id}}","Quantity":3}""");

        var record = await Eventually.UntilAsync(async () => (await Host.RecordsAsync("OrderQueue")).FirstOrDefault(r => r.GetString("OrderId") == id),
            r => r is not null, "the order recorded");
        Assert.Equal(3, record!.GetInt32("Quantity"));
    }

    [Fact]
    public async Task AFailingMessageIsRetriedUpToMaxDequeueCountThenMovedToPoisonAndCanBeReplayed()
    {
        var message = "fail " + Guid.NewGuid();
        await Host.Queue(Host.QueueName).SendMessageAsync(message);

        // The poison copy is the message's raw (base64) text, byte for byte.
        await Eventually.UntilAsync(PoisonAsync, list => list.Contains(Base64(message)), "the message in the poison queue");

        var attempts = await RecordsOfAsync(message, 3);
        Assert.Equal(["1", "2", "3"], attempts.Select(r => (string)TestWorkerHost.BindingData(r)["DequeueCount"]!));
        Assert.DoesNotContain((await Host.Queue(Host.QueueName).PeekMessagesAsync(32)).Value, m => m.Body.ToString() == message);

        // Replaying puts it back on its queue, where it fails 3 more times and returns to poison.
        using var replay = await Host.Client.PostAsync(new Uri($"/_devhost/queues/{Host.QueueName}-poison/replay", UriKind.Relative), null);
        Assert.True((int)(await replay.Content.ReadFromJsonAsync<JsonObject>())!["replayed"]! >= 1);
        await RecordsOfAsync(message, 6);
        await Eventually.UntilAsync(PoisonAsync, list => list.Count(m => m == Base64(message)) == 1, "back in poison");
    }

    [Fact]
    public async Task AMessageAlreadyPastTheLimitGoesToPoisonWithoutInvocation()
    {
        // A queue of its own, read by no listener while its DequeueCount is raised past maxDequeueCount.
        var message = "stale " + Guid.NewGuid();
        await using var host = new TestWorkerHost(fixture.Host.StorageConnectionString, new JsonObject { ["maxDequeueCount"] = 1 });
        var raw = new QueueClient(host.StorageConnectionString, host.QueueName);
        await raw.CreateAsync();
        await host.Queue(host.QueueName).SendMessageAsync(message);
        for (var i = 0; i < 2; i++)
        {
            var m = (await raw.ReceiveMessageAsync()).Value;
            await raw.UpdateMessageAsync(m.MessageId, m.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }
        await host.StartAsync();

        var poison = host.Queue(host.QueueName + "-poison");
        await Eventually.UntilAsync(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync(10)).Value.Length == 1,
            ok => ok, "the message in the poison queue");
        Assert.DoesNotContain(await host.RecordsAsync("RecordQueue"), r => r.GetString("Message") == message);
    }

    [Fact]
    public async Task AMessageThatIsNotBase64GoesToPoisonUntouched()
    {
        var raw = new QueueClient(Host.StorageConnectionString, Host.QueueName);
        var text = "not base64 " + Guid.NewGuid();
        await raw.SendMessageAsync(text);

        await Eventually.UntilAsync(PoisonAsync, list => list.Contains(text), "the raw message in the poison queue");
    }

    [Fact]
    public async Task MessagesOfOneQueueRunConcurrentlyUpToBatchSizePlusNewBatchThreshold()
    {
        var batch = Guid.NewGuid().ToString("N");
        for (var i = 0; i < 7; i++)
        {
            await Host.Queue(Host.SlowQueueName).SendMessageAsync($"{batch}-{i}");
        }

        var records = await Eventually.UntilAsync(async () => (await Host.RecordsAsync("SlowQueue")).Where(r => r.GetString("Message").StartsWith(batch, StringComparison.Ordinal)).ToList(),
            list => list.Count == 7, "seven invocations");
        Assert.Equal(4, records.Max(r => r.GetInt32("Concurrent")));
    }

    [Fact]
    public async Task AdminRunGivesTheInputAsTheMessageAndWaitReportsTheOutcome()
    {
        var input = "admin " + Guid.NewGuid();
        var ok = await Host.AdminRunAsync("RecordQueue", new { input });
        Assert.True((bool)ok["succeeded"]!);
        var data = TestWorkerHost.BindingData((await RecordsOfAsync(input, 1))[0]);
        Assert.Equal("1", (string)data["DequeueCount"]!);
        Assert.Equal(input, (string)data["QueueTrigger"]!);

        var failure = await Host.AdminRunAsync("RecordQueue", new { input = "fail " + input });
        Assert.False((bool)failure["succeeded"]!);
        Assert.Equal("Failure", (string)failure["status"]!);
        Assert.Equal("System.InvalidOperationException: boom requested by message", (string)failure["error"]!);

        using var accepted = await Host.Client.PostAsJsonAsync("/admin/functions/RecordQueue", new { input = "later " + input });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await RecordsOfAsync("later " + input, 1);
        using var unknown = await Host.Client.PostAsJsonAsync("/admin/functions/Nope", new { input = "x" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var http = await Host.Client.PostAsJsonAsync("/admin/functions/Echo", new { input = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, http.StatusCode);
    }

    [Fact]
    public async Task QueuesPageListsTriggerAndPoisonQueues()
    {
        var json = (await Host.Client.GetFromJsonAsync<JsonObject>("/_devhost/queues.json"))!;
        var queues = json["queues"]!.AsArray();
        Assert.Contains(queues, q => (string)q!["queue"]! == Host.QueueName && (string)q["poisonQueue"]! == Host.QueueName + "-poison");
        Assert.Contains(json["timers"]!.AsArray(), t => (string)t!["function"]! == "RecordTimer" && (string)t["schedule"]! == TestWorkerHost.Yearly);
        var html = await Host.Client.GetStringAsync("/_devhost/queues");
        Assert.Contains(Host.QueueName + "-poison", html, StringComparison.Ordinal);
        Assert.Contains("Rejouer", html, StringComparison.Ordinal);
    }
}
