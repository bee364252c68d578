using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microstructures.DevHost.Handler;

// The JSON bodies the real host posts to POST /<FunctionName>. The host runs JsonConvert.SerializeObject
// on every value that is not a JSON object or a date (ScriptInvocationContextExtensions), so strings
// arrive quoted again and numbers arrive as strings; see shared/contract/*.json.
internal static class InvocationPayloads
{
    // Newtonsoft does not escape non-ASCII or HTML characters; neither do we.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Queue(
        string functionName,
        string bindingName,
        string message,
        long dequeueCount,
        string id,
        string popReceipt,
        DateTimeOffset? insertionTime,
        DateTimeOffset? expirationTime,
        DateTimeOffset? nextVisibleTime,
        bool singleEncoded,
        DateTimeOffset now)
    {
        var metadata = new JsonObject
        {
            ["DequeueCount"] = dequeueCount.ToString(CultureInfo.InvariantCulture),
            ["Id"] = EncodeString(id, singleEncoded),
            ["PopReceipt"] = EncodeString(popReceipt, singleEncoded),
            ["InsertionTime"] = FormatDate(insertionTime),
            ["ExpirationTime"] = FormatDate(expirationTime),
            ["NextVisibleTime"] = FormatDate(nextVisibleTime),
        };
        // A JSON-object message also has its top-level properties bound as metadata (they can shadow Id).
        if (TryParseObject(message) is { } properties)
        {
            foreach (var (key, value) in properties.ToList())
            {
                properties.Remove(key);
                metadata[key] = EncodeValue(value, singleEncoded);
            }
        }
        metadata["sys"] = Sys(functionName, now);
        return new JsonObject
        {
            ["Data"] = new JsonObject { [bindingName] = EncodeString(message, singleEncoded) },
            ["Metadata"] = metadata,
        };
    }

    public static JsonObject Timer(string functionName, string bindingName, TimerStatus? status, bool isPastDue, DateTimeOffset now) => new()
    {
        ["Data"] = new JsonObject
        {
            [bindingName] = new JsonObject
            {
                ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                ["ScheduleStatus"] = status is null
                    ? null
                    : new JsonObject
                    {
                        ["Last"] = FormatDate(status.Last),
                        ["Next"] = FormatDate(status.Next),
                        ["LastUpdated"] = FormatDate(status.LastUpdated),
                    },
                ["IsPastDue"] = isPastDue,
            },
        },
        ["Metadata"] = new JsonObject { ["sys"] = Sys(functionName, now) },
    };

    // Dates are the one scalar the host does not re-serialise: ISO 8601, whole seconds, explicit offset.
    public static string? FormatDate(DateTimeOffset? value) =>
        value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static JsonObject Sys(string functionName, DateTimeOffset now) => new()
    {
        ["MethodName"] = functionName,
        ["UtcNow"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        ["RandGuid"] = Guid.NewGuid().ToString(),
    };

    private static string EncodeString(string value, bool singleEncoded) =>
        singleEncoded ? value : JsonSerializer.Serialize(value, Relaxed);

    private static JsonNode? EncodeValue(JsonNode? value, bool singleEncoded) => value switch
    {
        JsonObject obj => obj,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => EncodeString(v.GetValue<string>(), singleEncoded),
        null => singleEncoded ? null : "null",
        _ => value.ToJsonString(Relaxed),
    };

    private static JsonObject? TryParseObject(string message)
    {
        var trimmed = message.AsSpan().TrimStart();
        if (trimmed.Length == 0 || trimmed[0] != '{')
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(message) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed record TimerStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);
