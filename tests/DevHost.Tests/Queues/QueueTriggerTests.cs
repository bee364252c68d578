using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using Microstructures.TestSupport;

namespace Microstructures.DevHost.Tests.Queues;

public sealed class QueueTriggerTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly string ContractFolder = Path.Combine(RepoPaths.Root, "..", "shared", "contract");

    private QueueClient Queue(string name) =>
        new(azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    [Fact]
    public async Task FailingFunctionIsInvokedMaxDequeueCountTimesThenItsMessageSitsInPoison()
    {
        var queueName = TestScriptRoot.UniqueQueueName("orders");
        await using var root = new TestScriptRoot(azurite.ConnectionString, new JsonObject { ["maxDequeueCount"] = 3 });
        root.AddQueueFunction("FailOrders", queueName);
        await root.StartAsync();
        await Queue(queueName).SendMessageAsync("order 17");

        var poison = Queue(queueName + "-poison");
        await Eventually.UntilAsync(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync(10)).Value.Length == 1,
            ok => ok, "the message in the poison queue");

        Assert.Equal(3, (await root.InvocationsAsync("FailOrders")).Count);
        Assert.Equal("order 17", (await poison.PeekMessageAsync()).Value.Body.ToString());
        Assert.Empty((await Queue(queueName).PeekMessagesAsync(10)).Value);
        // Nothing is hidden either: the original queue holds no message at all.
        Assert.Equal(0, (await Queue(queueName).GetPropertiesAsync()).Value.ApproximateMessagesCount);

        // Replaying puts it back on the original queue, where it fails 3 more times and returns to poison.
        var replay = await root.Client.PostAsync(new Uri($"/_devhost/queues/{queueName}-poison/replay", UriKind.Relative), null);
        Assert.Equal(1, (int)(await replay.Content.ReadFromJsonAsync<JsonObject>())!["replayed"]!);
        await Eventually.UntilAsync(() => root.InvocationsAsync("FailOrders"), list => list.Count == 6, "three more attempts after replay");
        await Eventually.UntilAsync(async () => (await poison.PeekMessagesAsync(10)).Value.Length, n => n == 1, "back in poison");
    }

    [Fact]
    public async Task JsonMessageIsSentDoubleEncodedExactlyAsTheHostDoes()
    {
        var queueName = TestScriptRoot.UniqueQueueName("indicators");
        await using var root = new TestScriptRoot(azurite.ConnectionString);
        root.AddQueueFunction("ComputeIndicators", queueName);
        await root.StartAsync();
        var sent = await Queue(queueName).SendMessageAsync("""{"submissionId":"3f2a","attempt":1}""");

        var invocation = (await Eventually.UntilAsync(() => root.InvocationsAsync("ComputeIndicators"), l => l.Count == 1, "one invocation"))[0];
        var body = TestScriptRoot.BodyOf(invocation);
        var contract = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(ContractFolder, "queue-invocation-json-message.json")))!;

        Assert.Equal((string)contract["Data"]!["message"]!, (string)body["Data"]!["message"]!);
        var metadata = (JsonObject)body["Metadata"]!;
        Assert.Equal(((JsonObject)contract["Metadata"]!).Select(p => p.Key).Order(), metadata.Select(p => p.Key).Order());
        Assert.Equal("1", (string)metadata["DequeueCount"]!);
        Assert.Equal("\"" + sent.Value.MessageId + "\"", (string)metadata["Id"]!);
        Assert.Matches("^\".+\"$", (string)metadata["PopReceipt"]!);
        Assert.Equal("\"3f2a\"", (string)metadata["submissionId"]!);
        Assert.Equal("1", (string)metadata["attempt"]!);
        foreach (var date in new[] { "InsertionTime", "ExpirationTime", "NextVisibleTime" })
        {
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", (string)metadata[date]!);
        }
        Assert.Equal("ComputeIndicators", (string)metadata["sys"]!["MethodName"]!);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$", (string)metadata["sys"]!["UtcNow"]!);
        Assert.True(Guid.TryParse((string)metadata["sys"]!["RandGuid"]!, out _));

        var headers = (JsonObject)invocation["headers"]!;
        Assert.True(Guid.TryParse((string)headers["X-Azure-Functions-InvocationId"]!, out _));
        Assert.Matches(@"^4\.\d+\.\d+\.\d+$", (string)headers["X-Azure-Functions-HostVersion"]!);
        Assert.StartsWith("Azure-Functions-Host/", (string)headers["User-Agent"]!, StringComparison.Ordinal);

        // Success deletes the message.
        await Eventually.UntilAsync(async () => (await Queue(queueName).GetPropertiesAsync()).Value.ApproximateMessagesCount, n => n == 0, "message deleted");
    }

    [Fact]
    public async Task SingleEncodedSwitchSendsThePlainStrings()
    {
        var queueName = TestScriptRoot.UniqueQueueName("single");
        await using var root = new TestScriptRoot(azurite.ConnectionString);
        root.AddQueueFunction("ComputeIndicators", queueName);
        await root.StartAsync(o => o.SingleEncoded = true);
        var sent = await Queue(queueName).SendMessageAsync("""{"submissionId":"3f2a","attempt":1}""");

        var invocation = (await Eventually.UntilAsync(() => root.InvocationsAsync("ComputeIndicators"), l => l.Count == 1, "one invocation"))[0];
        var body = TestScriptRoot.BodyOf(invocation);
        Assert.Equal("""{"submissionId":"3f2a","attempt":1}""", (string)body["Data"]!["message"]!);
        Assert.Equal(sent.Value.MessageId, (string)body["Metadata"]!["Id"]!);
        Assert.Equal("3f2a", (string)body["Metadata"]!["submissionId"]!);
    }

    [Fact]
    public async Task EmptyBodyAnswerIsAFailureSoTheMessageIsRetriedThenPoisoned()
    {
        var queueName = TestScriptRoot.UniqueQueueName("empty");
        await using var root = new TestScriptRoot(azurite.ConnectionString, new JsonObject { ["maxDequeueCount"] = 2 });
        root.AddQueueFunction("EmptyAnswer", queueName);
        await root.StartAsync();
        await Queue(queueName).SendMessageAsync("hello");

        var poison = Queue(queueName + "-poison");
        await Eventually.UntilAsync(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync(10)).Value.Length == 1,
            ok => ok, "the message in the poison queue");
        var invocations = await root.InvocationsAsync("EmptyAnswer");
        Assert.Equal(2, invocations.Count);
        Assert.Equal("2", (string)TestScriptRoot.BodyOf(invocations[1])["Metadata"]!["DequeueCount"]!);
    }

    [Fact]
    public async Task AMessageAlreadyPastTheLimitGoesToPoisonWithoutInvocation()
    {
        var queueName = TestScriptRoot.UniqueQueueName("stale");
        var raw = new QueueClient(azurite.ConnectionString, queueName);
        await raw.CreateAsync();
        await Queue(queueName).SendMessageAsync("stale");
        // Dequeue it twice by hand (making it visible again) so its DequeueCount exceeds maxDequeueCount 1.
        for (var i = 0; i < 2; i++)
        {
            var m = (await raw.ReceiveMessageAsync()).Value;
            await raw.UpdateMessageAsync(m.MessageId, m.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }
        await using var root = new TestScriptRoot(azurite.ConnectionString, new JsonObject { ["maxDequeueCount"] = 1 });
        root.AddQueueFunction("ComputeIndicators", queueName);
        await root.StartAsync();

        var poison = Queue(queueName + "-poison");
        await Eventually.UntilAsync(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync(10)).Value.Length == 1,
            ok => ok, "the message in the poison queue");
        Assert.Empty(await root.InvocationsAsync("ComputeIndicators"));
    }

    [Fact]
    public async Task MessagesOfOneQueueRunConcurrentlyUpToBatchSizePlusNewBatchThreshold()
    {
        var queueName = TestScriptRoot.UniqueQueueName("batch");
        await Queue(queueName).CreateAsync();
        for (var i = 0; i < 7; i++)
        {
            await Queue(queueName).SendMessageAsync($"m{i}");
        }
        // Like the host: a batch of 2, and with 2 or fewer running another whole batch, so 4 at most.
        await using var root = new TestScriptRoot(azurite.ConnectionString, new JsonObject { ["batchSize"] = 2, ["newBatchThreshold"] = 2 });
        root.AddQueueFunction("SlowCompute", queueName);
        await root.StartAsync();

        var invocations = await Eventually.UntilAsync(() => root.InvocationsAsync("SlowCompute"), l => l.Count == 7, "seven invocations");
        var concurrency = invocations.Select(i => (int)i["concurrent"]!).ToList();
        Assert.Equal(4, concurrency.Max());
        await Eventually.UntilAsync(async () => (await Queue(queueName).GetPropertiesAsync()).Value.ApproximateMessagesCount, n => n == 0, "all deleted");
    }

    [Fact]
    public async Task AdminRunGivesTheInputAsTheMessageAndWaitReportsTheOutcome()
    {
        await using var root = new TestScriptRoot(azurite.ConnectionString);
        root.AddQueueFunction("ComputeIndicators", TestScriptRoot.UniqueQueueName("admin"));
        root.AddQueueFunction("FailCompute", TestScriptRoot.UniqueQueueName("adminfail"));
        await root.StartAsync();

        var ok = await root.Client.PostAsJsonAsync("/admin/functions/ComputeIndicators?wait=true", new { input = "hello" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var result = (await ok.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True((bool)result["succeeded"]!);
        Assert.Equal("handled ComputeIndicators", (string)result["logs"]![0]!);
        var body = TestScriptRoot.BodyOf((await root.InvocationsAsync("ComputeIndicators"))[0]);
        Assert.Equal("\"hello\"", (string)body["Data"]!["message"]!);
        Assert.Equal("1", (string)body["Metadata"]!["DequeueCount"]!);

        var failed = await root.Client.PostAsJsonAsync("/admin/functions/FailCompute?wait=true", new { input = "x" });
        var failure = (await failed.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.False((bool)failure["succeeded"]!);
        Assert.Equal(500, (int)failure["status"]!);

        var accepted = await root.Client.PostAsJsonAsync("/admin/functions/ComputeIndicators", new { input = "later" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var unknown = await root.Client.PostAsJsonAsync("/admin/functions/Nope", new { input = "x" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task QueuesPageListsTriggerAndPoisonQueues()
    {
        var queueName = TestScriptRoot.UniqueQueueName("page");
        await using var root = new TestScriptRoot(azurite.ConnectionString);
        root.AddQueueFunction("ComputeIndicators", queueName);
        root.AddTimerFunction("NightlyTimer", "0 0 3 * * *");
        await root.StartAsync(o => o.DisableTimers = true);

        var json = (await root.Client.GetFromJsonAsync<JsonObject>("/_devhost/queues.json"))!;
        Assert.Equal(queueName, (string)json["queues"]![0]!["queue"]!);
        Assert.Equal(queueName + "-poison", (string)json["queues"]![0]!["poisonQueue"]!);
        Assert.Equal("0 0 3 * * *", (string)json["timers"]![0]!["schedule"]!);
        var html = await root.Client.GetStringAsync("/_devhost/queues");
        Assert.Contains(queueName + "-poison", html, StringComparison.Ordinal);
        Assert.Contains("Rejouer", html, StringComparison.Ordinal);
        Assert.Matches(new Regex("NightlyTimer"), html);
    }
}
