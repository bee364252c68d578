using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using System.Globalization;
using Microstructures.TestSupport;

namespace Microstructures.DevHost.Tests.Timers;

public sealed class TimerTriggerTests(Azurite azurite) : IClassFixture<Azurite>
{
    // Once a year: nothing fires during a test except what the test asks for.
    private const string Yearly = "0 0 3 1 1 *";

    private BlobClient StatusBlob(string hostId, string function) =>
        new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("azure-webjobs-hosts")
            .GetBlobClient($"timers/{hostId}/Host.Functions.{function}/status");

    [Fact]
    public async Task StoredNextInThePastRunsOnceAtStartWithIsPastDue()
    {
        var hostId = "test" + Guid.NewGuid().ToString("N")[..8];
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("azure-webjobs-hosts");
        await container.CreateIfNotExistsAsync();
        var missed = DateTimeOffset.UtcNow.AddDays(-3);
        await StatusBlob(hostId, "NightlyTimer").UploadAsync(BinaryData.FromString(new JsonObject
        {
            ["Last"] = missed.AddDays(-1).ToString("o", CultureInfo.InvariantCulture),
            ["Next"] = missed.ToString("o", CultureInfo.InvariantCulture),
            ["LastUpdated"] = missed.AddDays(-1).ToString("o", CultureInfo.InvariantCulture),
        }.ToJsonString()), overwrite: true);

        await using var root = new TestScriptRoot(azurite.ConnectionString);
        root.AddTimerFunction("NightlyTimer", Yearly);
        await root.StartAsync(o => o.SettingOverrides["AzureFunctionsWebHost__hostid"] = hostId);

        var invocations = await Eventually.UntilAsync(() => root.InvocationsAsync("NightlyTimer"), l => l.Count >= 1, "the catch-up run");
        var timer = TestScriptRoot.BodyOf(invocations[0])["Data"]!["timer"]!;
        Assert.True((bool)timer["IsPastDue"]!);
        Assert.Equal(missed.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture), (string)timer["ScheduleStatus"]!["Next"]!);
        Assert.True((bool)timer["Schedule"]!["AdjustForDST"]!);

        // The status advances past the missed occurrence: a restart would not run it again.
        var status = await Eventually.UntilAsync(
            async () => JsonNode.Parse((await StatusBlob(hostId, "NightlyTimer").DownloadContentAsync()).Value.Content.ToString())!,
            s => DateTimeOffset.Parse((string)s["Next"]!, CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow, "the status blob advanced");
        Assert.Equal(missed.ToUnixTimeSeconds(), DateTimeOffset.Parse((string)status["Last"]!, CultureInfo.InvariantCulture).ToUnixTimeSeconds());
        Assert.Single(await root.InvocationsAsync("NightlyTimer"));
    }

    [Fact]
    public async Task FrequentScheduleHasNoMonitorSoScheduleStatusIsNull()
    {
        await using var root = new TestScriptRoot(azurite.ConnectionString);
        root.AddTimerFunction("EveryThirtySeconds", "*/30 * * * * *");
        await root.StartAsync(o => o.DisableTimers = true);

        var response = await root.Client.PostAsJsonAsync("/admin/functions/EveryThirtySeconds?wait=true", new { input = "", isPastDue = true });
        Assert.True((bool)(await response.Content.ReadFromJsonAsync<JsonObject>())!["succeeded"]!);
        var timer = TestScriptRoot.BodyOf((await root.InvocationsAsync("EveryThirtySeconds"))[0])["Data"]!["timer"]!.AsObject();
        Assert.True(timer.ContainsKey("ScheduleStatus"));
        Assert.Null(timer["ScheduleStatus"]);
        Assert.True((bool)timer["IsPastDue"]!);
    }

    [Fact]
    public async Task ExplicitUseMonitorFalseGivesNullScheduleStatus()
    {
        await using var root = new TestScriptRoot(azurite.ConnectionString);
        root.AddTimerFunction("NoMonitor", Yearly, useMonitor: false);
        await root.StartAsync(o => o.DisableTimers = true);

        await root.Client.PostAsJsonAsync("/admin/functions/NoMonitor?wait=true", new { input = "" });
        var timer = TestScriptRoot.BodyOf((await root.InvocationsAsync("NoMonitor"))[0])["Data"]!["timer"]!.AsObject();
        Assert.Null(timer["ScheduleStatus"]);
        Assert.False((bool)timer["IsPastDue"]!);
    }

    [Fact]
    public async Task AdminRunOfAMonitoredTimerBeforeItsFirstRunCarriesTheZeroLast()
    {
        await using var root = new TestScriptRoot(azurite.ConnectionString);
        root.AddTimerFunction("MonthlyNewsletterTimer", Yearly);
        root.AddTimerFunction("FailingTimer", Yearly);
        await root.StartAsync(o =>
        {
            o.DisableTimers = true;
            o.SettingOverrides["AzureFunctionsWebHost__hostid"] = "admin" + Guid.NewGuid().ToString("N")[..8];
        });

        var response = await root.Client.PostAsJsonAsync("/admin/functions/MonthlyNewsletterTimer?wait=true", new { input = "" });
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True((bool)result["succeeded"]!);
        var timer = TestScriptRoot.BodyOf((await root.InvocationsAsync("MonthlyNewsletterTimer"))[0])["Data"]!["timer"]!;
        Assert.Equal("0001-01-01T00:00:00+00:00", (string)timer["ScheduleStatus"]!["Last"]!);
        Assert.False((bool)timer["IsPastDue"]!);

        var failed = await root.Client.PostAsJsonAsync("/admin/functions/FailingTimer?wait=true", new { input = "" });
        Assert.False((bool)(await failed.Content.ReadFromJsonAsync<JsonObject>())!["succeeded"]!);
        // A failed timer run is not retried.
        Assert.Single(await root.InvocationsAsync("FailingTimer"));
    }

    [Fact]
    public async Task ScheduledRunsFireAndNeverOverlap()
    {
        await using var root = new TestScriptRoot(azurite.ConnectionString);
        // Every second, while each run takes 1.5 s: some occurrences must be skipped, none may overlap.
        root.AddTimerFunction("SlowTicker", "* * * * * *");
        await root.StartAsync();

        var invocations = await Eventually.UntilAsync(() => root.InvocationsAsync("SlowTicker"), l => l.Count >= 3, "three scheduled runs");
        Assert.All(invocations, i => Assert.Equal(1, (int)i["concurrent"]!));
        Assert.All(invocations, i => Assert.Null(TestScriptRoot.BodyOf(i)["Data"]!["timer"]!["ScheduleStatus"]));
    }

    [Fact]
    public async Task RunOnStartupFiresOnceAtStart()
    {
        await using var root = new TestScriptRoot(azurite.ConnectionString);
        root.AddFunction("StartupTimer", $$"""
            {"bindings":[{"type":"timerTrigger","direction":"in","name":"tick","schedule":"{{Yearly}}","runOnStartup":true,"useMonitor":false}]}
            """);
        await root.StartAsync();
        var invocations = await Eventually.UntilAsync(() => root.InvocationsAsync("StartupTimer"), l => l.Count == 1, "the startup run");
        Assert.False((bool)TestScriptRoot.BodyOf(invocations[0])["Data"]!["tick"]!["IsPastDue"]!);
    }
}
