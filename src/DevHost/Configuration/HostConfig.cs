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

internal sealed class HostConfig
{
    public required string FilePath { get; init; }

    public required string ExecutablePath { get; init; }

    public required string WorkingDirectory { get; init; }

    public required IReadOnlyList<string> Arguments { get; init; }

    public required string RoutePrefix { get; init; }

    public required TimeSpan FunctionTimeout { get; init; }

    public required QueueSettings Queues { get; init; }

    public static HostConfig Load(string scriptRoot, TimeSpan? maxPollingOverride)
    {
        var path = Path.Combine(scriptRoot, "host.json");
        if (!File.Exists(path))
        {
            throw new DevHostConfigurationException(path, "(file)", "host.json not found in the script root");
        }
        var root = JsonRead.ParseObjectFile(path);
        var handler = JsonRead.GetObject(root, "customHandler");
        var description = JsonRead.GetObject(handler, "description");
        var exe = JsonRead.GetString(description, "defaultExecutablePath");
        if (string.IsNullOrWhiteSpace(exe))
        {
            throw new DevHostConfigurationException(path, "customHandler.description.defaultExecutablePath", "is required");
        }
        var exePath = Path.GetFullPath(exe, scriptRoot);
        if (!File.Exists(exePath))
        {
            throw new DevHostConfigurationException(path, "customHandler.description.defaultExecutablePath", $"executable not found: {exePath}");
        }
        // Without forwarding the host sends HTTP requests as JSON invocations: the DevHost (and this project) only does forwarding.
        if (JsonRead.GetBool(handler, "enableForwardingHttpRequest") != true)
        {
            throw new DevHostConfigurationException(path, "customHandler.enableForwardingHttpRequest",
                "must be true (the DevHost only reproduces forwarded HTTP requests)");
        }
        var workingDirectory = JsonRead.GetString(description, "workingDirectory");
        var arguments = (JsonRead.Get(description, "arguments") as JsonArray ?? [])
            .Select(a => a?.GetValue<string>() ?? "")
            .ToList();

        var extensions = JsonRead.GetObject(root, "extensions");
        var routePrefix = JsonRead.GetString(JsonRead.GetObject(extensions, "http"), "routePrefix") ?? "api";

        var timeout = ParseTimeSpan(JsonRead.GetString(root, "functionTimeout"), path, "functionTimeout") ?? TimeSpan.FromMinutes(5);

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
            ExecutablePath = exePath,
            WorkingDirectory = string.IsNullOrEmpty(workingDirectory) ? scriptRoot : Path.GetFullPath(workingDirectory, scriptRoot),
            Arguments = arguments,
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
