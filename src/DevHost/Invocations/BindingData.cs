using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microstructures.DevHost.Grpc.Messages;

namespace Microstructures.DevHost.Invocations;

// The host's binding data as the worker receives it in trigger_metadata. The host parses a JSON
// message or body with Newtonsoft (dates recognised, numbers as long or double) and adds its
// top-level properties (Utility.ApplyBindingData); the gRPC conversion then sends an object as
// `json` and any other value as its ToString() in `string` (1 → "1", true → "True", 2.50 → "2.5",
// an ISO date → "11/30/2026 05:25:16"); null and arrays are skipped.
internal static partial class BindingData
{
    // Newtonsoft writes neither non-ASCII nor HTML characters escaped.
    public static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static Dictionary<string, TypedData> NewMap() => new(StringComparer.OrdinalIgnoreCase);

    public static TypedData String(string value) => new() { String = value };

    public static TypedData Json(string json) => new() { Json = json };

    // A JSON-object text adds its top-level properties, replacing keys case-insensitively (the key keeps its first spelling).
    public static void ApplyJsonProperties(string text, IDictionary<string, TypedData> target)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length == 0 || trimmed[0] != '{')
        {
            return;
        }
        JsonObject? properties;
        try
        {
            properties = JsonNode.Parse(text, documentOptions: Lenient) as JsonObject;
        }
        catch (JsonException)
        {
            return;
        }
        foreach (var (name, value) in properties ?? [])
        {
            if (ToTypedData(value) is { } data)
            {
                target[name] = data;
            }
        }
    }

    private static TypedData? ToTypedData(JsonNode? value)
    {
        switch (value)
        {
            case null or JsonArray:
                return null;
            case JsonObject obj:
                return Json(obj.ToJsonString(Relaxed));
        }
        var element = value.GetValue<JsonElement>();
        return element.ValueKind switch
        {
            JsonValueKind.True => String(bool.TrueString),
            JsonValueKind.False => String(bool.FalseString),
            JsonValueKind.Number => String(NumberText(element.GetRawText())),
            JsonValueKind.String => String(TryNewtonsoftDate(StringValue(element), out var date)
                ? date.ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture)
                : StringValue(element)),
            _ => null,
        };
    }

    // Newtonsoft keeps an escaped lone surrogate ("\uD800") in the string, which the gRPC message then
    // carries as U+FFFD; System.Text.Json refuses to read it (and the request would fail here, not there).
    private static string StringValue(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return UnescapeLeniently(element.GetRawText());
        }
    }

    // A JSON string literal (quotes included) read the way Newtonsoft reads it: every escape decoded,
    // surrogates kept as they are, paired or not.
    private static string UnescapeLeniently(string literal)
    {
        var text = new StringBuilder(literal.Length);
        for (var i = 1; i < literal.Length - 1; i++)
        {
            var c = literal[i];
            if (c != '\\')
            {
                text.Append(c);
                continue;
            }
            c = literal[++i];
            text.Append(c switch
            {
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => (char)int.Parse(literal.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                _ => c,
            });
            if (c == 'u')
            {
                i += 4;
            }
        }
        return text.ToString();
    }

    // Newtonsoft reads an integer as Int64 (BigInteger beyond it), anything else as a double.
    private static string NumberText(string raw)
    {
        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer.ToString(CultureInfo.InvariantCulture);
        }
        if (BigInteger.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big))
        {
            return big.ToString(CultureInfo.InvariantCulture);
        }
        return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }

    // The strings Newtonsoft's default DateParseHandling turns into a DateTime: ISO 8601 with a time.
    // With an offset it becomes the host's local time: UTC, as the host runs in Azure.
    public static bool TryNewtonsoftDate(string text, out DateTime value)
    {
        value = default;
        var match = IsoDateRegex().Match(text);
        if (!match.Success)
        {
            return false;
        }
        if (!DateTimeOffset.TryParse(match.Groups["zone"].Success ? text : text + "Z", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }
        value = match.Groups["zone"].Success ? parsed.UtcDateTime : DateTime.SpecifyKind(parsed.DateTime, DateTimeKind.Unspecified);
        return true;
    }

    // Newtonsoft's DateTimeOffset / DateTime format: fractions without trailing zeros, explicit offset.
    public static string FormatDate(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(?<zone>Z|[+-]\d{2}(:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDateRegex();
}
