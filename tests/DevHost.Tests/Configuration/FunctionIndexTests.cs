using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Grpc.Messages;

namespace Microstructures.DevHost.Tests.Configuration;

// The worker's metadata validated before any load request: what the host refuses (or would
// mishandle) fails the start, naming the function and the field.
public sealed class FunctionIndexTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("devhost-index-").FullName;

    private LocalSettings Settings(params (string Key, string Value)[] values)
    {
        var options = new DevHostOptions { ScriptRoot = _folder };
        options.SettingOverrides["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        foreach (var (key, value) in values)
        {
            options.SettingOverrides[key] = value;
        }
        return LocalSettings.Load(options);
    }

    private static RpcFunctionMetadata Function(string name, params string[] rawBindings)
    {
        var metadata = new RpcFunctionMetadata { Name = name, FunctionId = "id-" + name, ScriptFile = "App.dll", EntryPoint = "App." + name };
        metadata.RawBindings.Add(rawBindings);
        return metadata;
    }

    private static string Http(string route, string methods = "[\"get\"]") =>
        $$"""{"name":"req","type":"httpTrigger","direction":"In","authLevel":"Anonymous","methods":{{methods}}{{(route is null ? "" : $",\"route\":\"{route}\"")}}}""";

    private const string HttpOut = """{"name":"$return","type":"http","direction":"Out"}""";

    private IReadOnlyList<FunctionDefinition> Build(string routePrefix, LocalSettings settings, params RpcFunctionMetadata[] functions) =>
        FunctionIndex.Build(functions, _folder, routePrefix, settings, TimeProvider.System);

    public static TheoryData<string, string, string> BadFunctions => new()
    {
        { "unknown trigger", """{"name":"m","type":"serviceBusTrigger","direction":"In","queueName":"q"}""", "bindings[0].type" },
        { "missing queueName", """{"name":"m","type":"queueTrigger","direction":"In"}""", "bindings[0].queueName" },
        { "invalid queue name", """{"name":"m","type":"queueTrigger","direction":"In","queueName":"Bad_Name"}""", "bindings[0].queueName" },
        { "undefined %setting% in queueName", """{"name":"m","type":"queueTrigger","direction":"In","queueName":"%NoSuchQueue%"}""", "bindings[0].queueName" },
        { "undefined connection", """{"name":"m","type":"queueTrigger","direction":"In","queueName":"work","connection":"Nowhere"}""", "bindings[0].connection" },
        { "invalid cron", """{"name":"t","type":"timerTrigger","direction":"In","schedule":"0 0 25 * * *"}""", "bindings[0].schedule" },
        { "cron with 4 fields", """{"name":"t","type":"timerTrigger","direction":"In","schedule":"0 0 * *"}""", "bindings[0].schedule" },
        { "missing schedule", """{"name":"t","type":"timerTrigger","direction":"In"}""", "bindings[0].schedule" },
        { "undefined %setting% in schedule", """{"name":"t","type":"timerTrigger","direction":"In","schedule":"%NoSuchSetting%"}""", "bindings[0].schedule" },
        { "route starting with admin", Http("admin/users"), "bindings[0].route" },
        { "route starting with runtime", Http("Runtime/x"), "bindings[0].route" },
        { "empty route (the host's name, the worker's root)", Http(""), "bindings[0].route" },
        { "leading slash (the worker cannot parse '//')", Http("/"), "bindings[0].route" },
        { "two triggers", Http("a") + "\u0000" + """{"name":"t","type":"timerTrigger","direction":"In","schedule":"0 0 3 * * *"}""", "bindings" },
    };

    [Theory]
    [MemberData(nameof(BadFunctions))]
    public void ABadBindingFailsTheStartNamingTheFunctionAndTheField(string because, string bindings, string field)
    {
        var function = Function("Broken", bindings.Split('\u0000'));

        var ex = Assert.Throws<DevHostConfigurationException>(() => Build("", Settings(), function));
        Assert.True(ex.Message.Contains("'Broken'", StringComparison.Ordinal), $"{because}: '{ex.Message}' should name the function");
        Assert.True(ex.Message.Contains(field, StringComparison.Ordinal), $"{because}: '{ex.Message}' should name {field}");
        Assert.Equal("Broken", ex.FunctionName);
        Assert.EndsWith("functions.metadata", ex.FilePath, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoFunctionsOnTheSameRouteWithACommonMethodConflict()
    {
        var ex = Assert.Throws<DevHostConfigurationException>(() => Build("", Settings(),
            Function("First", Http("api/things", "[\"get\",\"post\"]"), HttpOut),
            Function("Second", Http("API/things/", "[\"post\"]"), HttpOut)));

        Assert.Contains("conflicts with the route defined by function 'First'", ex.Message, StringComparison.Ordinal);
        Assert.Equal("Second", ex.FunctionName);
    }

    [Fact]
    public void TheSameRouteWithOtherMethodsIsFine()
    {
        var functions = Build("", Settings(),
            Function("Read", Http("api/things", "[\"get\"]"), HttpOut),
            Function("Write", Http("api/things", "[\"put\"]"), HttpOut));

        Assert.Equal(2, functions.Count);
    }

    [Fact]
    public void AMissingRouteIsTheFunctionsNameUnderTheRoutePrefix()
    {
        var function = Assert.Single(Build("api", Settings(), Function("Health", Http(null!), HttpOut)));

        Assert.Equal("Health", function.RouteText);
        Assert.True(function.Route!.Matches(["api", "health"]));
    }

    [Fact]
    public void SettingPlaceholdersResolveAndDisabledFunctionsAreLeftOut()
    {
        var settings = Settings(("NightlySchedule", "0 0 3 * * *"), ("WorkQueue", "Work-Items"), ("AzureWebJobs.Skipped.Disabled", "true"));
        var functions = Build("", settings,
            Function("Nightly", """{"name":"t","type":"timerTrigger","direction":"In","schedule":"%NightlySchedule%"}"""),
            Function("Work", """{"name":"m","type":"queueTrigger","direction":"In","dataType":"String","queueName":"%WorkQueue%"}"""),
            // Disabled: not even validated, as the host creates no listener for it.
            Function("Skipped", """{"name":"m","type":"queueTrigger","direction":"In"}"""));

        Assert.Equal(["Nightly", "Work"], functions.Select(f => f.Name));
        Assert.Equal("0 0 3 * * *", functions[0].ScheduleText);
        Assert.True(functions[0].UseMonitor);
        Assert.Equal("work-items", functions[1].QueueName);
        Assert.Equal("AzureWebJobsStorage", functions[1].ConnectionSetting);
        Assert.Equal(BindingInfo.Types.DataType.String, functions[1].TriggerDataType);
    }

    [Fact]
    public void ASubMinuteScheduleHasNoMonitorUnlessItAsksForOne()
    {
        var functions = Build("", Settings(),
            Function("Fast", """{"name":"t","type":"timerTrigger","direction":"In","schedule":"*/30 * * * * *"}"""),
            Function("FastMonitored", """{"name":"t","type":"timerTrigger","direction":"In","schedule":"*/30 * * * * *","useMonitor":true}"""),
            Function("Unmonitored", """{"name":"t","type":"timerTrigger","direction":"In","schedule":"0 0 3 * * *","useMonitor":false,"runOnStartup":true}"""));

        Assert.False(functions[0].UseMonitor);
        Assert.True(functions[1].UseMonitor);
        Assert.False(functions[2].UseMonitor);
        Assert.True(functions[2].RunOnStartup);
    }

    [Fact]
    public void HostIndexingReadsFunctionsMetadataWithStableIds()
    {
        File.WriteAllText(Path.Combine(_folder, "functions.metadata"), """
            [{"name":"Q","scriptFile":"Iso.dll","entryPoint":"Fns.Q","language":"dotnet-isolated","properties":{"IsCodeless":false},
              "bindings":[{"name":"msg","direction":"In","type":"queueTrigger","dataType":"String","queueName":"work","properties":{}}]}]
            """);

        var first = Assert.Single(FunctionsMetadataFile.Read(_folder));
        var second = Assert.Single(FunctionsMetadataFile.Read(_folder));

        Assert.Equal("Q", first.Name);
        Assert.Equal(first.FunctionId, second.FunctionId);
        Assert.Contains("\"queueName\":\"work\"", first.RawBindings[0], StringComparison.Ordinal);
        Assert.Equal("work", Assert.Single(Build("", Settings(), first)).QueueName);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
