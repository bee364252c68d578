using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microstructures.Core.Queues;
using Microstructures.Core.Storage;
using Microstructures.Core.Submissions;
using Microstructures.Functions.Tests.ReferenceData;

namespace Microstructures.Functions.Tests.Submissions;

// A compute-indicators message that keeps failing: each failure recorded by the worker's middleware,
// the message moved to compute-indicators-poison by the host, listed on the staff's API joined to its
// last error, and replayed to compute-indicators, where the function runs it again.
public sealed class PoisonedIndicatorMessagesTests(ImmediateRetryHost app) : IClassFixture<ImmediateRetryHost>
{
    private const string Poison = ComputeIndicatorsMessage.QueueName + PoisonQueueService.Suffix;

    private static async Task<JsonNode?> PoisonedAsync(HttpClient staff, string text)
    {
        var queues = (await OrgTreeApi.GetJsonAsync(staff, "/api/manage/queues/poison"))!.AsArray();
        return queues.SingleOrDefault(q => q!["name"]!.GetValue<string>() == Poison)?["messages"]!.AsArray()
            .SingleOrDefault(m => m!["text"]!.GetValue<string>() == text);
    }

    private static async Task<JsonNode> WaitPoisonedAsync(HttpClient staff, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (await PoisonedAsync(staff, text) is { } found || DateTime.UtcNow > deadline)
            {
                return await PoisonedAsync(staff, text) ?? throw new Xunit.Sdk.XunitException($"{text} never reached {Poison}");
            }
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task AFailingMessageIsPoisonedListedWithItsLastErrorAndReplayed()
    {
        var text = new ComputeIndicatorsMessage("reseau-disparu", new string('a', 32)).ToText();
        var queue = await app.Services.Get<StorageInitializer>().QueueAsync(ComputeIndicatorsMessage.QueueName);
        await queue.SendMessageAsync(text);
        using var staff = app.CreateStaffClient();

        var poisoned = await WaitPoisonedAsync(staff, text);

        var failure = poisoned["lastFailure"]!;
        Assert.Equal("ComputeIndicators", failure["functionName"]!.GetValue<string>());
        Assert.Equal(ComputeIndicatorsMessage.QueueName, failure["queueName"]!.GetValue<string>());
        Assert.Equal(5, failure["dequeueCount"]!.GetValue<int>());
        Assert.Equal("System.InvalidOperationException", failure["exceptionType"]!.GetValue<string>());
        Assert.Contains("does not exist", failure["exceptionMessage"]!.GetValue<string>(), StringComparison.Ordinal);
        var firstFailureAt = failure["at"]!.GetValue<DateTimeOffset>();

        using var replay = await staff.PostAsJsonAsync($"/api/manage/queues/{Poison}/replay", new { messageId = poisoned["messageId"]!.GetValue<string>() });

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(1, (await OrgTreeApi.ReadAsync(replay))!["replayed"]!.GetValue<int>());
        // The replay is in the audit trail of the poison queue: who, when, which message.
        var trail = (await OrgTreeApi.GetJsonAsync(staff, $"/api/manage/audit/poisonqueue/{Poison}"))!.AsArray();
        var entry = Assert.Single(trail)!;
        Assert.Equal("replayed", entry["action"]!.GetValue<string>());
        Assert.Equal("staff", entry["actorKind"]!.GetValue<string>());
        Assert.Contains(poisoned["messageId"]!.GetValue<string>(), entry["changes"]!.ToJsonString(), StringComparison.Ordinal);
        // Run again from compute-indicators: it fails again and comes back with a newer failure.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        JsonNode? again = null;
        while (DateTime.UtcNow < deadline && (again is null || again["lastFailure"]!["at"]!.GetValue<DateTimeOffset>() <= firstFailureAt))
        {
            await Task.Delay(250);
            again = await PoisonedAsync(staff, text);
        }
        Assert.NotNull(again);
        Assert.True(again["lastFailure"]!["at"]!.GetValue<DateTimeOffset>() > firstFailureAt);
        Assert.NotEqual(poisoned["messageId"]!.GetValue<string>(), again["messageId"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReplayingAQueueThatIsNotAPoisonQueueIsRefused()
    {
        using var staff = app.CreateStaffClient();

        using var notPoison = await staff.PostAsJsonAsync("/api/manage/queues/compute-indicators/replay", new { });
        using var unknown = await staff.PostAsJsonAsync("/api/manage/queues/nulle-part-poison/replay", new { });

        Assert.Equal(HttpStatusCode.NotFound, notPoison.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
