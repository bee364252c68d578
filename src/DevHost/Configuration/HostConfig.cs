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
internal sealed class HostConfig
{
    // ScriptJobHostOptionsSetup.DefaultFunctionTimeout: 30 minutes everywhere but the (legacy) Consumption plan.
    public static readonly TimeSpan DefaultFunctionTimeout = TimeSpan.FromMinutes(30);

    public required string FilePath { get; init; }

    // extensions.http.routePrefix, default "api" (HttpOptions); "" lets functions own the root.
    public required string RoutePrefix { get; init; }

    public required TimeSpan FunctionTimeout { get; init; }

    public required QueueSettings Queues { get; init; }

    public static HostConfig Load(string scriptRoot, TimeSpan? maxPollingOverride)
    {
        var path = Path.Combine(scriptRoot, "host.json");
        if (!File.Exists(path))
        {
            throw new DevHostConfigurationException(path, "(file)", "host.json not found in the script root (the worker's build output folder)");
        }
        var root = JsonRead.ParseObjectFile(path);
        if (JsonRead.Get(root, "customHandler") is not null)
        {
            throw new DevHostConfigurationException(path, "customHandler",
                "the DevHost runs a .NET isolated worker (worker.config.json), not a custom handler: remove customHandler");
        }
        var extensions = JsonRead.GetObject(root, "extensions");
        var routePrefix = JsonRead.GetString(JsonRead.GetObject(extensions, "http"), "routePrefix") ?? "api";

        var timeout = ParseTimeSpan(JsonRead.GetString(root, "functionTimeout"), path, "functionTimeout") ?? DefaultFunctionTimeout;

        var queues = JsonRead.GetObject(extensions, "queues");
        var batchSize = JsonRead.GetInt(queues, "batchSize") ?? 16;
        if (batchSize is < 1 or > 32)
        {
            throw new DevHostConfigurationException(path, "extensions.queues.batchSize", "must be between 1 and 32");
        }
        var encodingText = JsonRead.GetString(queues, "messageEncoding") ?? "base64";
        var encoding = encodingText.ToUpperInvariant() switch
        {
            "BASE64" => MessageEncoding.Base64,
            "NONE" => MessageEncoding.None,
            _ => throw new DevHostConfigurationException(path, "extensions.queues.messageEncoding", $"'{encodingText}' is neither base64 nor none"),
        };
        var settings = new QueueSettings(
            batchSize,
            JsonRead.GetInt(queues, "newBatchThreshold") ?? batchSize / 2,
            maxPollingOverride
                ?? ParseTimeSpan(JsonRead.GetString(queues, "maxPollingInterval"), path, "extensions.queues.maxPollingInterval")
                ?? TimeSpan.FromMinutes(1),
            ParseTimeSpan(JsonRead.GetString(queues, "visibilityTimeout"), path, "extensions.queues.visibilityTimeout") ?? TimeSpan.Zero,
            JsonRead.GetInt(queues, "maxDequeueCount") ?? 5,
            encoding);

        return new HostConfig
        {
            FilePath = path,
            RoutePrefix = routePrefix.Trim('/'),
            FunctionTimeout = timeout,
            Queues = settings,
        };
    }

    private static TimeSpan? ParseTimeSpan(string? text, string path, string field)
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
            : throw new DevHostConfigurationException(path, field, $"'{text}' is not a time span (hh:mm:ss)");
    }
}
