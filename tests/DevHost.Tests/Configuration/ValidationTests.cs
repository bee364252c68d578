using System.Text.Json.Nodes;

namespace Microstructures.DevHost.Tests.Configuration;

// Validation happens before any storage call or process start: no Azurite needed.
public sealed class ValidationTests
{
    private const string Storage = "UseDevelopmentStorage=true";

    public static TheoryData<string, string, string> BadFunctions => new()
    {
        { "unknown trigger", """{"bindings":[{"type":"serviceBusTrigger","direction":"in","name":"m","queueName":"q"}]}""", "bindings[0].type" },
        { "missing queueName", """{"bindings":[{"type":"queueTrigger","direction":"in","name":"m"}]}""", "bindings[0].queueName" },
        { "invalid cron", """{"bindings":[{"type":"timerTrigger","direction":"in","name":"t","schedule":"0 0 25 * * *"}]}""", "bindings[0].schedule" },
        { "cron with 4 fields", """{"bindings":[{"type":"timerTrigger","direction":"in","name":"t","schedule":"0 0 * *"}]}""", "bindings[0].schedule" },
        { "missing schedule", """{"bindings":[{"type":"timerTrigger","direction":"in","name":"t"}]}""", "bindings[0].schedule" },
        { "undefined %setting% in schedule", """{"bindings":[{"type":"timerTrigger","direction":"in","name":"t","schedule":"%NoSuchSetting%"}]}""", "bindings[0].schedule" },
        { "route starting with admin", """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","route":"admin/users"},{"type":"http","direction":"out","name":"res"}]}""", "bindings[0].route" },
        { "route starting with runtime", """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","route":"runtime/x"},{"type":"http","direction":"out","name":"res"}]}""", "bindings[0].route" },
        { "http function with an extra binding", """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","route":"things"},{"type":"http","direction":"out","name":"res"},{"type":"queue","direction":"out","name":"q","queueName":"x"}]}""", "bindings" },
        { "http function without http output", """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","route":"things"}]}""", "bindings" },
        { "missing bindings", """{"scriptFile":"x"}""", "bindings" },
        { "invalid JSON", """{"bindings":[""", "(file)" },
    };

    [Theory]
    [MemberData(nameof(BadFunctions))]
    public async Task BadFunctionJsonFailsStartNamingTheFileAndField(string because, string functionJson, string field)
    {
        await using var root = new TestScriptRoot(Storage);
        var path = root.AddFunction("Broken", functionJson);

        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => root.StartAsync());
        Assert.True(ex.Message.Contains(path, StringComparison.Ordinal), $"{because}: '{ex.Message}' should name {path}");
        Assert.True(ex.Message.Contains(field, StringComparison.Ordinal), $"{because}: '{ex.Message}' should name {field}");
    }

    [Fact]
    public async Task ValidFunctionsWithSettingPlaceholdersStart()
    {
        await using var root = new TestScriptRoot(Storage);
        root.AddFunction("Nightly", """{"bindings":[{"type":"timerTrigger","direction":"in","name":"t","schedule":"%NightlySchedule%"}]}""");
        root.AddFunction("Hourly", """{"bindings":[{"type":"timerTrigger","direction":"in","name":"t","schedule":"0 * * * *"}]}""");
        root.AddHttpFunction("Api", "manage/{id:int?}", "get", "post");
        var server = await root.StartAsync(o =>
        {
            o.DisableTimers = true;
            o.SettingOverrides["NightlySchedule"] = "0 0 3 * * *";
        });
        Assert.Equal("127.0.0.1", server.BaseUrl.Host);
    }

    [Fact]
    public async Task HostJsonWithoutExecutableFailsNamingTheField()
    {
        await using var root = new TestScriptRoot(Storage);
        root.WriteHost(new JsonObject { ["version"] = "2.0", ["customHandler"] = new JsonObject { ["description"] = new JsonObject() } });
        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => root.StartAsync());
        Assert.Contains("host.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("customHandler.description.defaultExecutablePath", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidHostJsonFailsNamingTheFile()
    {
        await using var root = new TestScriptRoot(Storage);
        var path = Path.Combine(root.Folder, "host.json");
        File.WriteAllText(path, "{ \"version\": ");
        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => root.StartAsync());
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Equal(path, ex.FilePath);
    }

    [Fact]
    public async Task HostJsonWithoutForwardingFailsNamingTheField()
    {
        await using var root = new TestScriptRoot(Storage);
        root.WriteHost(new JsonObject
        {
            ["version"] = "2.0",
            ["customHandler"] = new JsonObject { ["description"] = new JsonObject { ["defaultExecutablePath"] = TestScriptRoot.HandlerExecutable } },
        });
        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => root.StartAsync());
        Assert.Equal("customHandler.enableForwardingHttpRequest", ex.Field);
    }

    [Fact]
    public async Task MissingExecutableFailsNamingTheField()
    {
        await using var root = new TestScriptRoot(Storage);
        root.WriteHost(new JsonObject
        {
            ["version"] = "2.0",
            ["customHandler"] = new JsonObject { ["description"] = new JsonObject { ["defaultExecutablePath"] = "bin/NotThere" } },
        });
        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => root.StartAsync());
        Assert.Contains("customHandler.description.defaultExecutablePath", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NotThere", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncryptedSettingsAreRefusedNamingTheField()
    {
        await using var root = new TestScriptRoot(Storage);
        File.WriteAllText(root.SettingsPath, """{"IsEncrypted":true,"Values":{"AzureWebJobsStorage":"xyz"}}""");
        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => root.StartAsync());
        Assert.Equal(root.SettingsPath, ex.FilePath);
        Assert.Equal("IsEncrypted", ex.Field);
    }

    [Fact]
    public async Task MissingStorageSettingIsRefusedNamingTheField()
    {
        await using var root = new TestScriptRoot(Storage);
        File.WriteAllText(root.SettingsPath, """{"IsEncrypted":false,"Values":{}}""");
        var ex = await Assert.ThrowsAsync<DevHostConfigurationException>(() => root.StartAsync());
        Assert.Equal("Values.AzureWebJobsStorage", ex.Field);
    }

    [Fact]
    public async Task MissingSettingsAreCopiedFromTheSample()
    {
        await using var root = new TestScriptRoot(Storage);
        var sample = Path.Combine(root.Folder, "local.settings.sample.json");
        File.Move(root.SettingsPath, sample);
        await root.StartAsync(o => o.SampleSettingsPath = sample);
        Assert.True(File.Exists(root.SettingsPath));
    }
}
