using System.Globalization;
using System.Text.Json.Nodes;

namespace Microstructures.DevHost.Configuration;

internal enum MessageEncoding
{
    Base64,
    None,
}

// The queue settings of host.json extensions.queues, with the host's defaults.
internal sealed record QueueSettings(
    int BatchSize,
    int NewBatchThreshold,
    TimeSpan MaxPollingInterval,
    TimeSpan VisibilityTimeout,
    int MaxDequeueCount,
    MessageEncoding MessageEncoding);

// host.json: what the host reads of it for HTTP, queues and the function timeout, with the host's defaults.
// An app setting AzureFunctionsJobHost__<path> overrides the value at <path> ("Override host.json values"
// in the host.json reference): the host reads host.json into its configuration under the section
// AzureFunctionsJobHost (H Config/HostJsonFileConfigurationSource.cs) and the environment over it.
internal sealed class HostConfig
{
    public const string OverridePrefix = "AzureFunctionsJobHost__";

    // ScriptJobHostOptionsSetup.DefaultFunctionTimeout: 30 minutes everywhere but the (legacy) Consumption plan.
    public static readonly TimeSpan DefaultFunctionTimeout = TimeSpan.FromMinutes(30);

    public required string FilePath { get; init; }

    // extensions.http.routePrefix, default "api" (HttpOptions); "" lets functions own the root.
    public required string RoutePrefix { get; init; }

    public required TimeSpan FunctionTimeout { get; init; }

    public required QueueSettings Queues { get; init; }

    public static HostConfig Load(string scriptRoot, TimeSpan? maxPollingOverride, LocalSettings settings)
    {
        var path = Path.Combine(scriptRoot, "host.json");
        if (!File.Exists(path))
        {
            throw new DevHostConfigurationException(path, "(file)", "host.json not found in the script root (the worker's build output folder)");
        }
        var root = JsonRead.ParseObjectFile(path);
        var overridden = ApplyOverrides(root, settings);
        // A bad value names the setting it came from when a setting overrode host.json.
        DevHostConfigurationException Error(string field, string problem) =>
            overridden.TryGetValue(field, out var setting)
                ? new DevHostConfigurationException(settings.Path, setting, problem)
                : new DevHostConfigurationException(path, field, problem);
        if (JsonRead.Get(root, "customHandler") is not null)
        {
            throw Error("customHandler",
                "the DevHost runs a .NET isolated worker (worker.config.json), not a custom handler: remove customHandler");
        }
        var extensions = JsonRead.GetObject(root, "extensions");
        var routePrefix = JsonRead.GetString(JsonRead.GetObject(extensions, "http"), "routePrefix") ?? "api";

        var timeout = ParseTimeSpan(JsonRead.GetString(root, "functionTimeout"), "functionTimeout", Error) ?? DefaultFunctionTimeout;

        var queues = JsonRead.GetObject(extensions, "queues");
        var batchSize = JsonRead.GetInt(queues, "batchSize") ?? 16;
        if (batchSize is < 1 or > 32)
        {
            throw Error("extensions.queues.batchSize", "must be between 1 and 32");
        }
        var encodingText = JsonRead.GetString(queues, "messageEncoding") ?? "base64";
        var encoding = encodingText.ToUpperInvariant() switch
        {
            "BASE64" => MessageEncoding.Base64,
            "NONE" => MessageEncoding.None,
            _ => throw Error("extensions.queues.messageEncoding", $"'{encodingText}' is neither base64 nor none"),
        };
        var queueSettings = new QueueSettings(
            batchSize,
            JsonRead.GetInt(queues, "newBatchThreshold") ?? batchSize / 2,
            maxPollingOverride
                ?? ParseTimeSpan(JsonRead.GetString(queues, "maxPollingInterval"), "extensions.queues.maxPollingInterval", Error)
                ?? TimeSpan.FromMinutes(1),
            ParseTimeSpan(JsonRead.GetString(queues, "visibilityTimeout"), "extensions.queues.visibilityTimeout", Error) ?? TimeSpan.Zero,
            JsonRead.GetInt(queues, "maxDequeueCount") ?? 5,
            encoding);

        return new HostConfig
        {
            FilePath = path,
            RoutePrefix = routePrefix.Trim('/'),
            FunctionTimeout = timeout,
            Queues = queueSettings,
        };
    }

    // Sets each AzureFunctionsJobHost__a__b setting's value at a.b (as a string, which the readers above
    // accept for numbers too); returns the overridden paths with the setting that set each.
    private static Dictionary<string, string> ApplyOverrides(JsonObject root, LocalSettings settings)
    {
        var overridden = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in settings.Names.Where(n => n.StartsWith(OverridePrefix, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
        {
            var segments = name[OverridePrefix.Length..].Split("__");
            if (segments.Any(string.IsNullOrEmpty))
            {
                continue;
            }
            var parent = root;
            foreach (var segment in segments[..^1])
            {
                if (JsonRead.GetObject(parent, segment) is not { } child)
                {
                    child = new JsonObject(JsonRead.NodeOptions);
                    parent[segment] = child;
                }
                parent = child;
            }
            parent[segments[^1]] = settings.Get(name);
            overridden[string.Join('.', segments)] = name;
        }
        return overridden;
    }

    private static TimeSpan? ParseTimeSpan(string? text, string field, Func<string, string, DevHostConfigurationException> error)
    {
        if (text is null)
        {
            return null;
        }
        if (text == "-1")
        {
            return Timeout.InfiniteTimeSpan;
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.Zero
            ? value
            : throw error(field, $"'{text}' is not a time span (hh:mm:ss)");
    }
}
