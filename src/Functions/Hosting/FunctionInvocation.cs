using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microstructures.Functions.Hosting;

// The payload the Functions host POSTs to /<FunctionName> for every non-HTTP trigger:
// {"Data": {<binding>: value}, "Metadata": {...}}. The host runs JsonConvert.SerializeObject on
// every non-object value, so strings usually arrive double-encoded ("\"hello\"") and numbers as
// strings ("1"); the documentation's examples show them single-encoded. Both are accepted.
public sealed class FunctionInvocation
{
    private FunctionInvocation(JsonObject data, JsonObject metadata, string? invocationId)
    {
        Data = data;
        Metadata = metadata;
        InvocationId = invocationId;
    }

    public JsonObject Data { get; }
    public JsonObject Metadata { get; }
    public string? InvocationId { get; }

    // Minimal-API binding: a handler takes a FunctionInvocation parameter. A payload that is not
    // the host's shape throws InvalidInvocationException, answered 400 (the host retries, then poisons).
    public static async ValueTask<FunctionInvocation?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        JsonNode? root;
        try
        {
            root = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException ex)
        {
            throw new InvalidInvocationException("The invocation body is not JSON: " + ex.Message);
        }
        return Parse(root, context.Request.Headers["X-Azure-Functions-InvocationId"].FirstOrDefault());
    }

    public static FunctionInvocation Parse(JsonNode? root, string? invocationId = null)
    {
        if (root is not JsonObject obj)
        {
            throw new InvalidInvocationException("The invocation body is not a JSON object.");
        }
        var data = obj[nameof(Data)] as JsonObject ?? throw new InvalidInvocationException("The invocation has no Data object.");
        var metadata = obj[nameof(Metadata)] as JsonObject ?? [];
        return new FunctionInvocation(data, metadata, invocationId);
    }

    // The trigger's value as text: a double-encoded string is decoded once more; an object (the
    // single-encoded form of a JSON message) is given back as its JSON text.
    public string GetString(string binding)
    {
        var node = Data[binding] ?? throw new InvalidInvocationException($"The invocation has no '{binding}' binding in Data.");
        return Unwrap(node) ?? throw new InvalidInvocationException($"The '{binding}' binding is null.");
    }

    public string? GetMetadataString(string name) => Metadata[name] is { } node ? Unwrap(node) : null;

    public int GetDequeueCount() =>
        int.TryParse(GetMetadataString("DequeueCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 1;

    public TimerInvocation GetTimer(string binding)
    {
        var node = Data[binding];
        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            node = ParseJson(Unwrap(value) ?? text);
        }
        if (node is not JsonObject timer)
        {
            throw new InvalidInvocationException($"The '{binding}' binding is not a timer object.");
        }
        var status = timer["ScheduleStatus"] as JsonObject;
        var last = ReadDate(status?["Last"]);
        return new TimerInvocation(
            IsPastDue: ReadBool(timer["IsPastDue"]),
            // 0001-01-01 is the host's "never ran".
            Last: last is { Year: > 1 } ? last : null,
            Next: ReadDate(status?["Next"]));
    }

    private static string? Unwrap(JsonNode node)
    {
        if (node is JsonValue value)
        {
            if (value.TryGetValue<string>(out var s))
            {
                if (s.Length >= 2 && s[0] == '"' && s[^1] == '"')
                {
                    try
                    {
                        return JsonSerializer.Deserialize<string>(s) ?? s;
                    }
                    catch (JsonException)
                    {
                        return s;
                    }
                }
                return s;
            }
            return value.ToJsonString();
        }
        return node.ToJsonString();
    }

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DateTimeOffset? ReadDate(JsonNode? node) =>
        node is null ? null
        : DateTimeOffset.TryParse(Unwrap(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
        : null;

    private static bool ReadBool(JsonNode? node) =>
        node is not null && bool.TryParse(Unwrap(node), out var b) && b;
}

public sealed record TimerInvocation(bool IsPastDue, DateTimeOffset? Last, DateTimeOffset? Next);

public sealed class InvalidInvocationException(string message) : Exception(message);
