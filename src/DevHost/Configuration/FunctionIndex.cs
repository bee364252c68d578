using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microstructures.DevHost.Grpc.Messages;
using Microstructures.DevHost.Http;
using NCrontab;

namespace Microstructures.DevHost.Configuration;

// Turns the worker's function metadata into validated definitions, refusing at start what the real
// host refuses (or silently mishandles), naming the function and the field.
internal static partial class FunctionIndex
{
    public const string MetadataFileName = "functions.metadata";

    public static IReadOnlyList<FunctionDefinition> Build(
        IEnumerable<RpcFunctionMetadata> metadata, string scriptRoot, string routePrefix, LocalSettings settings, TimeProvider time)
    {
        var file = Path.Combine(scriptRoot, MetadataFileName);
        var functions = new List<FunctionDefinition>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var function in metadata)
        {
            if (!names.Add(function.Name))
            {
                throw new DevHostConfigurationException(file, function.Name, "name", "must be unique within the function app");
            }
            // The host's switch: the AzureWebJobs.<Name>.Disabled setting (its trigger never fires, its route is 404).
            if (string.Equals(settings.Get($"AzureWebJobs.{function.Name}.Disabled"), "true", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            functions.Add(BuildOne(function, file, routePrefix, settings, time));
        }
        RefuseConflictingRoutes(functions, file);
        return functions;
    }

    private static FunctionDefinition BuildOne(RpcFunctionMetadata function, string file, string routePrefix, LocalSettings settings, TimeProvider time)
    {
        var name = function.Name;
        if (string.IsNullOrEmpty(function.FunctionId))
        {
            throw new DevHostConfigurationException(file, name, "functionId", "the worker gave no function id");
        }
        var bindings = new List<JsonObject>();
        for (var i = 0; i < function.RawBindings.Count; i++)
        {
            try
            {
                bindings.Add(JsonNode.Parse(function.RawBindings[i], JsonRead.NodeOptions, JsonRead.DocumentOptions) as JsonObject
                    ?? throw new DevHostConfigurationException(file, name, $"bindings[{i}]", "must be a JSON object"));
            }
            catch (JsonException ex)
            {
                throw new DevHostConfigurationException(file, name, $"bindings[{i}]", "is not valid JSON: " + ex.Message, ex);
            }
        }
        var triggers = bindings
            .Select((b, i) => (Binding: b, Index: i, Type: JsonRead.GetString(b, "type") ?? ""))
            .Where(t => t.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (triggers.Count != 1)
        {
            throw new DevHostConfigurationException(file, name, "bindings", $"must hold exactly one trigger binding (found {triggers.Count})");
        }
        var (trigger, index, type) = triggers[0];
        var field = $"bindings[{index}]";
        var bindingName = JsonRead.GetString(trigger, "name");
        if (string.IsNullOrEmpty(bindingName))
        {
            throw new DevHostConfigurationException(file, name, field + ".name", "is required");
        }
        DevHostConfigurationException Error(string f, string problem) => new(file, name, field + "." + f, problem);
        var definition = new FunctionDefinition
        {
            Name = name,
            FunctionId = function.FunctionId,
            Metadata = function,
            Kind = TriggerKind.Http,
            BindingName = bindingName,
            TriggerDataType = ParseDataType(JsonRead.GetString(trigger, "dataType")),
        };
        return type.ToUpperInvariant() switch
        {
            "HTTPTRIGGER" => WithHttp(definition, trigger, routePrefix, Error),
            "QUEUETRIGGER" => WithQueue(definition, trigger, settings, Error),
            "TIMERTRIGGER" => WithTimer(definition, trigger, settings, time, Error),
            _ => throw Error("type", $"unknown trigger type '{type}' (the DevHost knows httpTrigger, queueTrigger, timerTrigger)"),
        };
    }

    private static FunctionDefinition WithHttp(FunctionDefinition definition, JsonObject trigger, string routePrefix, Func<string, string, DevHostConfigurationException> error)
    {
        // ScriptHost.ValidateHttpFunction: a missing, empty or blank route is the function's name;
        // a route in the host's reserved space (admin…, runtime…) is refused.
        var declared = JsonRead.GetString(trigger, "route");
        var routeText = string.IsNullOrWhiteSpace(declared) ? definition.Name : declared;
        // Two routes the host accepts but the worker's ASP.NET Core integration reads differently
        // (FunctionsEndpointDataSource routes "<routePrefix>/<route ?? name>" itself): refused here so
        // the mismatch is found before Azure.
        if (declared is not null && string.IsNullOrWhiteSpace(declared))
        {
            throw error("route", "an empty route is the function's name for the host but \"<routePrefix>/\" for the worker: they would disagree. "
                + "Give the route explicitly (with routePrefix \"\", '{page:maxlength(0)?}' is the root for both)");
        }
        if ($"{routePrefix}/{routeText}".Contains("//", StringComparison.Ordinal))
        {
            throw error("route", $"the worker joins \"{routePrefix}/{routeText}\" and cannot parse a '//' in it (every HTTP request to the worker would fail): "
                + "write the route without a leading slash (with routePrefix \"\", '{page:maxlength(0)?}' is the root)");
        }
        var normalized = routeText.Trim('/').ToLowerInvariant();
        if (normalized.StartsWith("admin", StringComparison.Ordinal) || normalized.StartsWith("runtime", StringComparison.Ordinal))
        {
            throw error("route", $"'{routeText}' conflicts with one or more built in routes (a route may not start with 'admin' or 'runtime')");
        }
        RouteTemplate route;
        try
        {
            route = RouteTemplate.Parse(routePrefix.Length == 0 ? routeText : routePrefix + "/" + routeText.TrimStart('/'));
        }
        catch (FormatException ex)
        {
            throw error("route", ex.Message);
        }
        HashSet<string>? methods = null;
        if (JsonRead.Get(trigger, "methods") is JsonArray array && array.Count > 0)
        {
            methods = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var m in array)
            {
                methods.Add(m?.GetValue<string>() ?? throw error("methods", "holds a null"));
            }
        }
        return definition with
        {
            Kind = TriggerKind.Http,
            RouteText = routeText,
            Route = route,
            Methods = methods,
        };
    }

    private static FunctionDefinition WithQueue(FunctionDefinition definition, JsonObject trigger, LocalSettings settings, Func<string, string, DevHostConfigurationException> error)
    {
        var queueName = JsonRead.GetString(trigger, "queueName");
        if (string.IsNullOrWhiteSpace(queueName))
        {
            throw error("queueName", "is required for a queueTrigger");
        }
        var resolved = settings.Resolve(queueName, problem => error("queueName", problem)).ToLowerInvariant();
        if (!QueueNameRegex().IsMatch(resolved) || resolved.Contains("--", StringComparison.Ordinal))
        {
            throw error("queueName", $"'{resolved}' is not a valid queue name (3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit)");
        }
        var connection = JsonRead.GetString(trigger, "connection");
        var connectionSetting = string.IsNullOrEmpty(connection) ? LocalSettings.StorageSetting : connection;
        // Like the host: the setting itself, else the same name prefixed with AzureWebJobs.
        var resolvedConnection = settings.Get(connectionSetting) is not null ? connectionSetting
            : settings.Get("AzureWebJobs" + connectionSetting) is not null ? "AzureWebJobs" + connectionSetting
            : throw error("connection", $"setting '{connectionSetting}' is not defined in {settings.Path}");
        return definition with
        {
            Kind = TriggerKind.Queue,
            QueueName = resolved,
            ConnectionSetting = resolvedConnection,
        };
    }

    private static FunctionDefinition WithTimer(
        FunctionDefinition definition, JsonObject trigger, LocalSettings settings, TimeProvider time, Func<string, string, DevHostConfigurationException> error)
    {
        var scheduleText = JsonRead.GetString(trigger, "schedule");
        if (string.IsNullOrWhiteSpace(scheduleText))
        {
            throw error("schedule", "is required for a timerTrigger");
        }
        var resolved = settings.Resolve(scheduleText, problem => error("schedule", problem));
        var schedule = ParseSchedule(resolved)
            ?? throw error("schedule", $"'{resolved}' is not a valid NCRONTAB expression (6 fields with seconds, or 5 fields)");
        // TimerTriggerAttribute.UseMonitor: when not set, on for schedules at least a minute apart.
        var useMonitor = JsonRead.GetBool(trigger, "useMonitor") ?? IsAtLeastOneMinuteApart(schedule, time.GetUtcNow().UtcDateTime);
        return definition with
        {
            Kind = TriggerKind.Timer,
            ScheduleText = resolved,
            Schedule = schedule,
            RunOnStartup = JsonRead.GetBool(trigger, "runOnStartup") ?? false,
            UseMonitor = useMonitor,
        };
    }

    // ScriptHost.HttpRoutesConflict: the same route (case-insensitive, slashes trimmed) with a method in common.
    private static void RefuseConflictingRoutes(List<FunctionDefinition> functions, string file)
    {
        var http = functions.Where(f => f.Kind == TriggerKind.Http).ToList();
        for (var i = 0; i < http.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var (a, b) = (http[i], http[j]);
                if (!string.Equals(a.RouteText!.Trim('/'), b.RouteText!.Trim('/'), StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                if (a.Methods is null || b.Methods is null || a.Methods.Overlaps(b.Methods))
                {
                    throw new DevHostConfigurationException(file, a.Name, "route",
                        $"'{a.RouteText}' conflicts with the route defined by function '{b.Name}'");
                }
            }
        }
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

    private static BindingInfo.Types.DataType ParseDataType(string? text) => text?.ToUpperInvariant() switch
    {
        "STRING" => BindingInfo.Types.DataType.String,
        "BINARY" => BindingInfo.Types.DataType.Binary,
        "STREAM" => BindingInfo.Types.DataType.Stream,
        _ => BindingInfo.Types.DataType.Undefined,
    };

    private static BindingInfo.Types.Direction ParseDirection(string? text) => text?.ToUpperInvariant() switch
    {
        "OUT" => BindingInfo.Types.Direction.Out,
        "INOUT" => BindingInfo.Types.Direction.Inout,
        _ => BindingInfo.Types.Direction.In,
    };

    // GrpcWorkerChannel.GetFunctionLoadRequest: bindings from the raw bindings, properties {FunctionId}.
    public static FunctionLoadRequest LoadRequest(FunctionDefinition function)
    {
        var source = function.Metadata;
        var metadata = new RpcFunctionMetadata
        {
            Name = source.Name,
            Directory = source.Directory,
            ScriptFile = source.ScriptFile,
            EntryPoint = source.EntryPoint,
        };
        foreach (var raw in source.RawBindings)
        {
            var binding = (JsonObject)JsonNode.Parse(raw, JsonRead.NodeOptions, JsonRead.DocumentOptions)!;
            var info = new BindingInfo
            {
                Type = JsonRead.GetString(binding, "type") ?? "",
                Direction = ParseDirection(JsonRead.GetString(binding, "direction")),
                DataType = ParseDataType(JsonRead.GetString(binding, "dataType")),
            };
            metadata.Bindings[JsonRead.GetString(binding, "name") ?? ""] = info;
        }
        foreach (var (key, value) in source.Properties)
        {
            metadata.Properties[key] = value;
        }
        metadata.Properties["FunctionId"] = function.FunctionId;
        return new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = metadata };
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex QueueNameRegex();
}
