using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Grpc.Messages;

namespace Microstructures.DevHost.Invocations;

// The InvocationRequests the host sends for each trigger (see contract-worker/invocation-request-*.json).
internal static class InvocationRequests
{
    // HTTP with the ASP.NET Core integration: the request itself is forwarded; the input is an empty
    // RpcHttp and the trigger metadata is the HTTP binding's (HttpTriggerAttributeBindingProvider):
    // the body's top-level JSON properties when it has a Content-Length, the query parameters but
    // `code` (last value wins), the route values, then Query and Headers as JSON.
    public static InvocationRequest Http(
        string invocationId, FunctionDefinition function, string? body, IEnumerable<KeyValuePair<string, string>> query,
        IEnumerable<KeyValuePair<string, string>> routeValues, IEnumerable<KeyValuePair<string, string>> headers, string? traceParent = null)
    {
        var metadata = BindingData.NewMap();
        if (body is not null)
        {
            BindingData.ApplyJsonProperties(body, metadata);
        }
        var queryObject = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in query)
        {
            queryObject[key] = value;
            if (!string.Equals(key, "code", StringComparison.OrdinalIgnoreCase))
            {
                metadata[key] = BindingData.String(value);
            }
        }
        foreach (var (key, value) in routeValues)
        {
            metadata[key] = BindingData.String(value);
        }
        metadata["Query"] = BindingData.Json(JsonSerializer.Serialize(queryObject, BindingData.Relaxed));
        metadata["Headers"] = BindingData.Json(JsonSerializer.Serialize(headers.ToDictionary(h => h.Key, h => h.Value), BindingData.Relaxed));
        return Request(invocationId, function, new TypedData { Http = new RpcHttp() }, metadata, traceParent);
    }

    // A queue message: the text as `string` (as `bytes` for a binary trigger), the message's
    // properties (QueueTriggerBinding), then a JSON message's top-level properties over them.
    public static InvocationRequest Queue(
        string invocationId, FunctionDefinition function, string text, byte[]? bytes, long dequeueCount, string id, string popReceipt,
        DateTimeOffset? insertionTime, DateTimeOffset? expirationTime, DateTimeOffset? nextVisibleTime)
    {
        var metadata = BindingData.NewMap();
        metadata["QueueTrigger"] = BindingData.String(text);
        metadata["DequeueCount"] = BindingData.Json(dequeueCount.ToString(CultureInfo.InvariantCulture));
        metadata["ExpirationTime"] = DateJson(expirationTime);
        metadata["Id"] = BindingData.String(id);
        metadata["InsertionTime"] = DateJson(insertionTime);
        metadata["NextVisibleTime"] = DateJson(nextVisibleTime);
        metadata["PopReceipt"] = BindingData.String(popReceipt);
        BindingData.ApplyJsonProperties(text, metadata);
        var input = function.TriggerDataType == BindingInfo.Types.DataType.Binary && bytes is not null
            ? new TypedData { Bytes = Google.Protobuf.ByteString.CopyFrom(bytes) }
            : BindingData.String(text);
        return Request(invocationId, function, input, metadata);
    }

    // A timer: TimerInfo as Newtonsoft writes it (ScheduleStatus null without the monitor) and the
    // firing time as `TimerTrigger` (DateTime.Now.ToString() in the host's invariant culture).
    public static InvocationRequest Timer(string invocationId, FunctionDefinition function, TimerStatus? status, bool isPastDue, DateTimeOffset now)
    {
        var scheduleStatus = status is null
            ? "null"
            : $"{{\"Last\":\"{BindingData.FormatDate(status.Last)}\",\"Next\":\"{BindingData.FormatDate(status.Next)}\",\"LastUpdated\":\"{BindingData.FormatDate(status.LastUpdated)}\"}}";
        var timerInfo = $"{{\"Schedule\":{{\"AdjustForDST\":true}},\"ScheduleStatus\":{scheduleStatus},\"IsPastDue\":{(isPastDue ? "true" : "false")}}}";
        var metadata = BindingData.NewMap();
        metadata["TimerTrigger"] = BindingData.String(now.UtcDateTime.ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture));
        return Request(invocationId, function, BindingData.Json(timerInfo), metadata);
    }

    private static TypedData DateJson(DateTimeOffset? value) =>
        BindingData.Json(value is null ? "null" : "\"" + BindingData.FormatDate(value.Value) + "\"");

    private static InvocationRequest Request(string invocationId, FunctionDefinition function, TypedData input, Dictionary<string, TypedData> metadata, string? traceParent = null)
    {
        var request = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.FunctionId,
            InputData = { new ParameterBinding { Name = function.BindingName, Data = input } },
            // Always present: the worker dereferences it.
            TraceContext = new RpcTraceContext { TraceParent = traceParent ?? NewTraceParent() },
        };
        foreach (var (key, value) in metadata)
        {
            request.TriggerMetadata[key] = value;
        }
        return request;
    }

    // Activity.Current?.Id in the host: the current W3C activity, else a new one.
    public static string NewTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current
            ? $"00-{current.TraceId}-{ActivitySpanId.CreateRandom()}-00"
            : $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00";
}

internal sealed record TimerStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);
