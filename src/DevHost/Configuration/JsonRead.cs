using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microstructures.DevHost.Configuration;

// host.json, worker.config.json, functions.metadata and local.settings.json are read case-insensitively,
// with comments, like the real host does.
internal static class JsonRead
{
    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = true };

    public static JsonObject ParseObjectFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new DevHostConfigurationException(path, "(file)", "cannot be read: " + ex.Message, ex);
        }
        try
        {
            return JsonNode.Parse(text, NodeOptions, DocumentOptions) as JsonObject
                ?? throw new DevHostConfigurationException(path, "(root)", "must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw new DevHostConfigurationException(path, "(file)", "is not valid JSON: " + ex.Message, ex);
        }
    }

    public static JsonNode? Get(JsonObject? obj, string name)
    {
        if (obj is null)
        {
            return null;
        }
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        return null;
    }

    public static JsonObject? GetObject(JsonObject? obj, string name) => Get(obj, name) as JsonObject;

    public static string? GetString(JsonObject? obj, string name) =>
        Get(obj, name) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool? GetBool(JsonObject? obj, string name) => Get(obj, name) switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) && bool.TryParse(s, out var b) => b,
        _ => null,
    };

    public static int? GetInt(JsonObject? obj, string name) => Get(obj, name) switch
    {
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<string>(out var s)
            && int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var i) => i,
        _ => null,
    };
}
