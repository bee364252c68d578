using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microstructures.Functions.Hosting;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests.Hosting;

// The payloads in ../shared/contract/ are what the real Functions host sends; the handler must read them.
public sealed class ContractVectorTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly string ContractDir = Path.Combine(RepoPaths.Root, "..", "shared", "contract");

    private static string Vector(string name)
    {
        var path = Path.Combine(ContractDir, name);
        Assert.True(File.Exists(path), $"Contract vector missing: {path}");
        return File.ReadAllText(path);
    }

    private static FunctionInvocation ParseVector(string name) => FunctionInvocation.Parse(JsonNode.Parse(Vector(name)));

    [Fact]
    public void DoubleEncodedJsonQueueMessageIsDecodedOnce()
    {
        var invocation = ParseVector("queue-invocation-json-message.json");

        var message = invocation.GetString("message");

        Assert.Equal("{\"submissionId\":\"3f2a\",\"attempt\":1}", message);
        Assert.Equal(1, invocation.GetDequeueCount());
        Assert.Equal("800ae4b3-bdd2-4c08-badd-f08e5a34b865", invocation.GetMetadataString("Id"));
        Assert.Equal("3f2a", invocation.GetMetadataString("submissionId"));
    }

    [Fact]
    public void DoubleEncodedPlainQueueMessageIsDecodedWithItsDequeueCount()
    {
        var invocation = ParseVector("queue-invocation-plain-message.json");

        Assert.Equal("hello", invocation.GetString("message"));
        Assert.Equal(3, invocation.GetDequeueCount());
    }

    [Theory]
    [InlineData("{\"Data\":{\"message\":\"{\\\"emailId\\\":\\\"abc\\\"}\"},\"Metadata\":{\"DequeueCount\":1}}")]
    [InlineData("{\"Data\":{\"message\":{\"emailId\":\"abc\"}},\"Metadata\":{\"DequeueCount\":\"1\"}}")]
    [InlineData("{\"Data\":{\"message\":\"\\\"{\\\\\\\"emailId\\\\\\\":\\\\\\\"abc\\\\\\\"}\\\"\"},\"Metadata\":{\"DequeueCount\":\"1\"}}")]
    public void SingleAndDoubleEncodedFormsGiveTheSameMessage(string payload)
    {
        var invocation = FunctionInvocation.Parse(JsonNode.Parse(payload));

        var message = JsonNode.Parse(invocation.GetString("message"))!;

        Assert.Equal("abc", message["emailId"]!.GetValue<string>());
        Assert.Equal(1, invocation.GetDequeueCount());
    }

    [Fact]
    public void FirstTimerRunHasNoLastRun()
    {
        var timer = ParseVector("timer-invocation-first-run.json").GetTimer("timer");

        Assert.Null(timer.Last);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero), timer.Next);
        Assert.False(timer.IsPastDue);
    }

    [Fact]
    public void PastDueTimerIsRecognised()
    {
        var timer = ParseVector("timer-invocation-past-due.json").GetTimer("timer");

        Assert.True(timer.IsPastDue);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero), timer.Last);
    }

    [Fact]
    public void TimerWithoutMonitorHasNoStatus()
    {
        var timer = ParseVector("timer-invocation-no-monitor.json").GetTimer("timer");

        Assert.Null(timer.Last);
        Assert.Null(timer.Next);
        Assert.False(timer.IsPastDue);
    }

    [Theory]
    [InlineData("timer-invocation-first-run.json")]
    [InlineData("timer-invocation-past-due.json")]
    [InlineData("timer-invocation-no-monitor.json")]
    public async Task TimerInvocationAnswersTheHostsJsonObject(string vector)
    {
        await using var factory = new FunctionAppFactory(azurite);
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/SweepPendingEmails", new StringContent(Vector(vector), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrWhiteSpace(body), "An empty 2xx never completes the invocation: the host would hang.");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("Outputs").ValueKind);
        Assert.NotEmpty(json.RootElement.GetProperty("Logs").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("ReturnValue").ValueKind);
    }

    [Fact]
    public async Task AMessageTheFunctionCannotReadIsANon2xxSoTheHostRetriesAndPoisons()
    {
        await using var factory = new FunctionAppFactory(azurite);
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/SendEmail", new StringContent(Vector("queue-invocation-plain-message.json"), Encoding.UTF8, "application/json"));

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ABodyThatIsNotTheHostsShapeIsRejectedNot2xx()
    {
        await using var factory = new FunctionAppFactory(azurite);
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/SendEmail", new StringContent("not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
