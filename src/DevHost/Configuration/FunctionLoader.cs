using System.Text.Json.Nodes;
using Microstructures.DevHost.Http;
using NCrontab;

namespace Microstructures.DevHost.Configuration;

// Reads every <FunctionName>/function.json and refuses what the real host refuses (or silently mishandles).
internal static class FunctionLoader
{
    public static IReadOnlyList<FunctionDefinition> Load(string scriptRoot, LocalSettings settings, TimeProvider time)
    {
        var functions = new List<FunctionDefinition>();
        foreach (var dir in Directory.EnumerateDirectories(scriptRoot).Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(dir, "function.json");
            if (!File.Exists(path))
            {
                continue;
            }
            var function = LoadOne(Path.GetFileName(dir), path, settings, time);
            if (function is not null)
            {
                functions.Add(function);
            }
        }
        return functions;
    }

    private static FunctionDefinition? LoadOne(string name, string path, LocalSettings settings, TimeProvider time)
    {
        var root = JsonRead.ParseObjectFile(path);
        // Same switch as the real host: "disabled" in function.json or the AzureWebJobs.<Name>.Disabled setting.
        if (JsonRead.GetBool(root, "disabled") == true
            || string.Equals(settings.Get($"AzureWebJobs.{name}.Disabled"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        if (JsonRead.Get(root, "bindings") is not JsonArray bindings)
        {
            throw new DevHostConfigurationException(path, "bindings", "is required (an array of bindings)");
        }
        var objects = bindings.Select((b, i) => b as JsonObject
            ?? throw new DevHostConfigurationException(path, $"bindings[{i}]", "must be an object")).ToList();
        var triggers = objects
            .Select((b, i) => (Binding: b, Index: i, Type: JsonRead.GetString(b, "type") ?? ""))
            .Where(t => t.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (triggers.Count != 1)
        {
            throw new DevHostConfigurationException(path, "bindings", $"must hold exactly one trigger binding (found {triggers.Count})");
        }
        var (trigger, index, type) = triggers[0];
        var field = $"bindings[{index}]";
        var bindingName = JsonRead.GetString(trigger, "name");
        if (string.IsNullOrEmpty(bindingName))
        {
            throw new DevHostConfigurationException(path, field + ".name", "is required");
        }
        return type.ToUpperInvariant() switch
        {
            "HTTPTRIGGER" => LoadHttp(name, path, objects, trigger, field, bindingName),
            "QUEUETRIGGER" => LoadQueue(name, path, trigger, field, bindingName, settings),
            "TIMERTRIGGER" => LoadTimer(name, path, trigger, field, bindingName, settings, time),
            _ => throw new DevHostConfigurationException(path, field + ".type",
                $"unknown trigger type '{type}' (the DevHost knows httpTrigger, queueTrigger, timerTrigger)"),
        };
    }

    private static FunctionDefinition LoadHttp(string name, string path, List<JsonObject> bindings, JsonObject trigger, string field, string bindingName)
    {
        // With any other binding, the host stops forwarding the raw request and sends a different payload: refuse it.
        var isPlain = bindings.Count == 2
            && string.Equals(JsonRead.GetString(trigger, "direction"), "in", StringComparison.OrdinalIgnoreCase)
            && bindings.Count(b => string.Equals(JsonRead.GetString(b, "type"), "http", StringComparison.OrdinalIgnoreCase)
                && string.Equals(JsonRead.GetString(b, "direction"), "out", StringComparison.OrdinalIgnoreCase)) == 1;
        if (!isPlain)
        {
            throw new DevHostConfigurationException(path, "bindings",
                "an HTTP function must have exactly one httpTrigger (direction in) and one http binding (direction out); "
                + "with any other binding the host stops forwarding the request");
        }
        var routeText = JsonRead.GetString(trigger, "route") ?? name;
        var firstSegment = routeText.TrimStart('/').Split('/')[0];
        if (firstSegment.StartsWith("admin", StringComparison.OrdinalIgnoreCase)
            || firstSegment.StartsWith("runtime", StringComparison.OrdinalIgnoreCase))
        {
            throw new DevHostConfigurationException(path, field + ".route",
                $"'{routeText}' conflicts with one or more built in routes (a route may not start with 'admin' or 'runtime')");
        }
        RouteTemplate route;
        try
        {
            route = RouteTemplate.Parse(routeText);
        }
        catch (FormatException ex)
        {
            throw new DevHostConfigurationException(path, field + ".route", ex.Message, ex);
        }
        HashSet<string>? methods = null;
        if (JsonRead.Get(trigger, "methods") is JsonArray array && array.Count > 0)
        {
            methods = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var m in array)
            {
                methods.Add(m?.GetValue<string>() ?? throw new DevHostConfigurationException(path, field + ".methods", "holds a null"));
            }
        }
        return new FunctionDefinition
        {
            Name = name,
            FilePath = path,
            Kind = TriggerKind.Http,
            BindingName = bindingName,
            Route = route,
            Methods = methods,
        };
    }

    private static FunctionDefinition LoadQueue(string name, string path, JsonObject trigger, string field, string bindingName, LocalSettings settings)
    {
        var queueName = JsonRead.GetString(trigger, "queueName");
        if (string.IsNullOrWhiteSpace(queueName))
        {
            throw new DevHostConfigurationException(path, field + ".queueName", "is required for a queueTrigger");
        }
        var resolved = settings.Resolve(queueName, path, field + ".queueName").ToLowerInvariant();
        var connection = JsonRead.GetString(trigger, "connection");
        var connectionSetting = string.IsNullOrEmpty(connection) ? LocalSettings.StorageSetting : connection;
        // Like the host: the setting itself, else the same name prefixed with AzureWebJobs.
        var resolvedConnection = settings.Get(connectionSetting) is not null ? connectionSetting
            : settings.Get("AzureWebJobs" + connectionSetting) is not null ? "AzureWebJobs" + connectionSetting
            : throw new DevHostConfigurationException(path, field + ".connection",
                $"setting '{connectionSetting}' is not defined in {settings.Path}");
        return new FunctionDefinition
        {
            Name = name,
            FilePath = path,
            Kind = TriggerKind.Queue,
            BindingName = bindingName,
            QueueName = resolved,
            ConnectionSetting = resolvedConnection,
        };
    }

    private static FunctionDefinition LoadTimer(string name, string path, JsonObject trigger, string field, string bindingName, LocalSettings settings, TimeProvider time)
    {
        var scheduleText = JsonRead.GetString(trigger, "schedule");
        if (string.IsNullOrWhiteSpace(scheduleText))
        {
            throw new DevHostConfigurationException(path, field + ".schedule", "is required for a timerTrigger");
        }
        var resolved = settings.Resolve(scheduleText, path, field + ".schedule");
        var schedule = ParseSchedule(resolved)
            ?? throw new DevHostConfigurationException(path, field + ".schedule",
                $"'{resolved}' is not a valid NCRONTAB expression (6 fields with seconds, or 5 fields)");
        var useMonitor = JsonRead.GetBool(trigger, "useMonitor") ?? IsAtLeastOneMinuteApart(schedule, time.GetUtcNow().UtcDateTime);
        return new FunctionDefinition
        {
            Name = name,
            FilePath = path,
            Kind = TriggerKind.Timer,
            BindingName = bindingName,
            ScheduleText = resolved,
            Schedule = schedule,
            RunOnStartup = JsonRead.GetBool(trigger, "runOnStartup") ?? false,
            UseMonitor = useMonitor,
        };
    }

    public static CrontabSchedule? ParseSchedule(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            return null;
        }
        return CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
    }

    // The host turns the monitor on by default only for schedules whose occurrences are at least a minute apart.
    private static bool IsAtLeastOneMinuteApart(CrontabSchedule schedule, DateTime now)
    {
        var previous = schedule.GetNextOccurrence(now);
        for (var i = 0; i < 4; i++)
        {
            var next = schedule.GetNextOccurrence(previous);
            if (next - previous < TimeSpan.FromMinutes(1))
            {
                return false;
            }
            previous = next;
        }
        return true;
    }
}
