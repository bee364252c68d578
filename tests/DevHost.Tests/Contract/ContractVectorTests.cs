using System.Text.Json.Nodes;
using Google.Protobuf;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Grpc.Messages;
using Microstructures.DevHost.Invocations;
using Microstructures.DevHost.Tests.Support;

namespace Microstructures.DevHost.Tests.Contract;

// The project's .proto against the real host's messages, and what the DevHost builds against them.
public sealed class ContractVectorTests
{
    public static TheoryData<string> Vectors => new(Directory.EnumerateFiles(ContractVectors.Folder, "*.json")
        .Select(Path.GetFileName).Where(n => n != "worker-process-start.json").Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Vectors))]
    public void EveryVectorParsesWithTheProjectsProtoAndFormatsBackUnchanged(string vector)
    {
        var message = ContractVectors.Message(vector);

        Assert.NotEqual(StreamingMessage.ContentOneofCase.None, message.ContentCase);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ContractVectors.Text(vector)), JsonNode.Parse(JsonFormatter.Default.Format(message))),
            $"{vector} does not format back to itself");
    }

    private static DateTimeOffset Date(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static FunctionDefinition Function(string name, TriggerKind kind)
    {
        var metadata = ContractVectors.Message("functions-metadata-response.json").FunctionMetadataResponse.FunctionMetadataResults.Single(f => f.Name == name);
        return new FunctionDefinition
        {
            Name = name,
            FunctionId = metadata.FunctionId,
            Metadata = metadata,
            Kind = kind,
            BindingName = metadata.Bindings.Keys.First(k => k != "$return"),
            TriggerDataType = metadata.Bindings.Values.First().DataType,
        };
    }

    private static void AssertSameRequest(InvocationRequest expected, InvocationRequest actual)
    {
        // Ids and the trace context are the host's to generate.
        Assert.Equal(expected.FunctionId, actual.FunctionId);
        Assert.Equal(expected.InputData, actual.InputData);
        Assert.Equal(expected.TriggerMetadata.OrderBy(p => p.Key, StringComparer.Ordinal), actual.TriggerMetadata.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$", actual.TraceContext.TraceParent);
        Assert.Null(actual.RetryContext);
    }

    [Fact]
    public void QueueInvocationOfAJsonMessageIsTheHosts()
    {
        var expected = ContractVectors.Message("invocation-request-queue-json-message.json").InvocationRequest;
        var metadata = expected.TriggerMetadata;
        var actual = InvocationRequests.Queue(expected.InvocationId, Function("Q", TriggerKind.Queue),
            """{"submissionId":"3f2a","attempt":1}""", null, 1, metadata["Id"].String, metadata["PopReceipt"].String,
            Date("2026-11-30T05:58:36+00:00"), Date("2026-12-07T05:58:36+00:00"), Date("2026-11-30T06:08:36+00:00"));

        AssertSameRequest(expected, actual);
    }

    [Fact]
    public void QueueInvocationOfAPlainMessageOnItsThirdDeliveryIsTheHosts()
    {
        var expected = ContractVectors.Message("invocation-request-queue-plain-message-third-delivery.json").InvocationRequest;
        var metadata = expected.TriggerMetadata;
        var actual = InvocationRequests.Queue(expected.InvocationId, Function("Q", TriggerKind.Queue), "boom", null, 3,
            metadata["Id"].String, metadata["PopReceipt"].String,
            Date("2026-11-30T05:58:36+00:00"), Date("2026-12-07T05:58:36+00:00"), Date("2026-11-30T06:08:36+00:00"));

        AssertSameRequest(expected, actual);
    }

    [Fact]
    public void TimerInvocationOfAFirstRunIsTheHosts()
    {
        var expected = ContractVectors.Message("invocation-request-timer-first-run.json").InvocationRequest;
        var occurrence = Date("2026-11-30T06:00:00+00:00");
        var actual = InvocationRequests.Timer(expected.InvocationId, Function("T", TriggerKind.Timer),
            new TimerStatus(DateTimeOffset.MinValue, occurrence, DateTimeOffset.MinValue), isPastDue: false, occurrence);

        AssertSameRequest(expected, actual);
    }

    [Fact]
    public void TimerInvocationOfAPastDueRunIsTheHosts()
    {
        var expected = ContractVectors.Message("invocation-request-timer-past-due.json").InvocationRequest;
        var last = Date("2026-11-30T05:40:00.003125+00:00");
        var actual = InvocationRequests.Timer(expected.InvocationId, Function("T", TriggerKind.Timer),
            new TimerStatus(last, Date("2026-11-30T05:45:00+00:00"), last), isPastDue: true, Date("2026-11-30T05:58:36+00:00"));

        AssertSameRequest(expected, actual);
    }

    [Fact]
    public void TimerWithoutMonitorSendsANullScheduleStatus()
    {
        var actual = InvocationRequests.Timer("id", Function("T", TriggerKind.Timer), null, isPastDue: false, DateTimeOffset.UtcNow);

        Assert.Equal("""{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}""", actual.InputData[0].Data.Json);
    }

    [Fact]
    public void HttpInvocationCarriesTheHttpBindingsMetadata()
    {
        var expected = ContractVectors.Message("invocation-request-http.json").InvocationRequest;
        var actual = InvocationRequests.Http(expected.InvocationId, Function("Orders", TriggerKind.Http),
            """{"id":"o-1","qty":3}""",
            [KeyValuePair.Create("source", "web")],
            [],
            [
                KeyValuePair.Create("Accept", "*/*"), KeyValuePair.Create("Host", "localhost:7071"), KeyValuePair.Create("User-Agent", "curl/7.88.1"),
                KeyValuePair.Create("Content-Type", "application/json"), KeyValuePair.Create("Content-Length", "20"),
            ]);

        AssertSameRequest(expected, actual);
    }

    [Fact]
    public void HttpMetadataLeavesOutCodeButKeepsItInQueryAndLetsRouteValuesWin()
    {
        var actual = InvocationRequests.Http("id", Function("Orders", TriggerKind.Http), """{"id":"from-body","n":2.50}""",
            [KeyValuePair.Create("code", "secret"), KeyValuePair.Create("id", "from-query")], [KeyValuePair.Create("id", "from-route")], []);

        Assert.False(actual.TriggerMetadata.ContainsKey("code"));
        Assert.Equal("from-route", actual.TriggerMetadata["id"].String);
        Assert.Equal("2.5", actual.TriggerMetadata["n"].String);
        Assert.Equal("""{"code":"secret","id":"from-query"}""", actual.TriggerMetadata["Query"].Json);
    }

    [Fact]
    public void FunctionLoadRequestIsBuiltFromTheWorkersRawBindings()
    {
        var expected = ContractVectors.Message("function-load-request-http.json").FunctionLoadRequest;

        Assert.Equal(expected, FunctionIndex.LoadRequest(Function("Orders", TriggerKind.Http)));
    }

    [Fact]
    public void QueueLoadRequestKeepsTheTriggersDataType()
    {
        var request = FunctionIndex.LoadRequest(Function("Q", TriggerKind.Queue));

        Assert.Equal(BindingInfo.Types.DataType.String, request.Metadata.Bindings["msg"].DataType);
        Assert.Equal("queueTrigger", request.Metadata.Bindings["msg"].Type);
        Assert.Equal(request.FunctionId, request.Metadata.Properties["FunctionId"]);
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("true", "True")]
    [InlineData("false", "False")]
    [InlineData("2.50", "2.5")]
    [InlineData("1e3", "1000")]
    [InlineData("12345678901234567890", "12345678901234567890")]
    [InlineData("\"2026-11-30T05:25:16Z\"", "11/30/2026 05:25:16")]
    [InlineData("\"2026-11-30T07:25:16.123+02:00\"", "11/30/2026 05:25:16")]
    [InlineData("\"2026-11-30\"", "2026-11-30")]
    [InlineData("\"plain\"", "plain")]
    public void JsonPropertiesBecomeStringsAsTheHostsNewtonsoftWritesThem(string json, string expected)
    {
        var metadata = BindingData.NewMap();
        BindingData.ApplyJsonProperties($$"""{"value":{{json}}}""", metadata);

        Assert.Equal(expected, metadata["value"].String);
    }

    // The host reads a body with Newtonsoft, which keeps a lone surrogate; its gRPC message then carries
    // U+FFFD. A JSON body with one must reach the worker, not fail in the host.
    [Fact]
    public void AJsonPropertyWithALoneSurrogateIsReadAsNewtonsoftReadsIt()
    {
        var metadata = BindingData.NewMap();
        BindingData.ApplyJsonProperties("""{"value":"a\uD800b\n\u00e9\"","dated":"\uDC00"}""", metadata);

        Assert.Equal("a\uD800b\n\u00e9\"", metadata["value"].String);
        Assert.Equal("\uDC00", metadata["dated"].String);
    }

    [Fact]
    public void JsonPropertiesSkipNullsAndArraysSendObjectsAsJsonAndReplaceKeysCaseInsensitively()
    {
        var metadata = BindingData.NewMap();
        metadata["Id"] = BindingData.String("message-id");
        BindingData.ApplyJsonProperties("""{"id":"mine","none":null,"list":[1,2],"obj":{"a":"é"}}""", metadata);

        Assert.Equal("mine", metadata["Id"].String);
        Assert.Contains("Id", metadata.Keys);
        Assert.False(metadata.ContainsKey("none"));
        Assert.False(metadata.ContainsKey("list"));
        Assert.Equal("""{"a":"é"}""", metadata["obj"].Json);
    }
}
