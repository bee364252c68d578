using System.Text.Json.Nodes;
using Microstructures.DevHost.Handler;
using Microstructures.TestSupport;

namespace Microstructures.DevHost.Tests.Handler;

// The payload builders against the contract vectors, field for field (RandGuid aside).
public sealed class InvocationPayloadsTests
{
    private static JsonObject Contract(string name) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "..", "shared", "contract", name)))!;

    private static void AssertSameIgnoringRandGuid(JsonObject expected, JsonObject actual)
    {
        actual["Metadata"]!["sys"]!["RandGuid"] = expected["Metadata"]!["sys"]!["RandGuid"]!.DeepClone();
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\nactual   {actual.ToJsonString()}");
    }

    [Theory]
    [InlineData("queue-invocation-json-message.json", """{"submissionId":"3f2a","attempt":1}""", "ComputeIndicators")]
    [InlineData("queue-invocation-plain-message.json", "hello", "SendEmail")]
    public void QueuePayloadMatchesTheContract(string file, string message, string function)
    {
        var contract = Contract(file);
        var metadata = contract["Metadata"]!;
        static DateTimeOffset Date(JsonNode? n) => DateTimeOffset.Parse((string)n!, System.Globalization.CultureInfo.InvariantCulture);
        var actual = InvocationPayloads.Queue(function, "message", message,
            long.Parse((string)metadata["DequeueCount"]!, System.Globalization.CultureInfo.InvariantCulture),
            ((string)metadata["Id"]!).Trim('"'), ((string)metadata["PopReceipt"]!).Trim('"'),
            Date(metadata["InsertionTime"]), Date(metadata["ExpirationTime"]), Date(metadata["NextVisibleTime"]),
            singleEncoded: false, Date(metadata["sys"]!["UtcNow"]));
        AssertSameIgnoringRandGuid(contract, actual);
    }

    [Theory]
    [InlineData("timer-invocation-first-run.json", "MonthlyNewsletterTimer")]
    [InlineData("timer-invocation-past-due.json", "ForfaitRemindersTimer")]
    [InlineData("timer-invocation-no-monitor.json", "RemindAttendees")]
    public void TimerPayloadMatchesTheContract(string file, string function)
    {
        var contract = Contract(file);
        var timer = contract["Data"]!["timer"]!;
        static DateTimeOffset Date(JsonNode? n) => DateTimeOffset.Parse((string)n!, System.Globalization.CultureInfo.InvariantCulture);
        var status = timer["ScheduleStatus"] is { } s
            ? new TimerStatus(Date(s["Last"]), Date(s["Next"]), Date(s["LastUpdated"]))
            : null;
        var actual = InvocationPayloads.Timer(function, "timer", status, (bool)timer["IsPastDue"]!, Date(contract["Metadata"]!["sys"]!["UtcNow"]));
        AssertSameIgnoringRandGuid(contract, actual);
    }

    [Fact]
    public void NonAsciiAndNestedValuesAreEncodedLikeNewtonsoft()
    {
        var payload = InvocationPayloads.Queue("F", "m", """{"nom":"Zoé","tags":["a"],"inner":{"x":1},"ok":true}""", 1, "id", "pr",
            null, null, null, singleEncoded: false, DateTimeOffset.UnixEpoch);
        var metadata = payload["Metadata"]!;
        Assert.Equal("\"Zoé\"", (string)metadata["nom"]!);
        Assert.Equal("[\"a\"]", (string)metadata["tags"]!);
        Assert.Equal(1, (int)metadata["inner"]!["x"]!);
        Assert.Equal("true", (string)metadata["ok"]!);
    }
}
