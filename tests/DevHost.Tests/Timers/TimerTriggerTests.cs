using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microstructures.DevHost.Tests.Support;

namespace Microstructures.DevHost.Tests.Timers;

internal static class TimerStatusBlob
{
    public static BlobClient For(string storage, string hostId, string function) =>
        new BlobServiceClient(storage).GetBlobContainerClient("azure-webjobs-hosts").GetBlobClient($"timers/{hostId}/Host.Functions.{function}/status");

    public static async Task<JsonNode> ReadAsync(BlobClient blob) => JsonNode.Parse((await blob.DownloadContentAsync()).Value.Content.ToString())!;

    // TimerInfo as the worker deserialised it from the host's payload.
    public static JsonObject TimerInfo(Azure.Data.Tables.TableEntity record) => (JsonObject)JsonNode.Parse(record.GetString("TimerInfo"))!;
}

public sealed class ScheduledTimersFixture : SharedHostFixture
{
    public DateTimeOffset Missed { get; } = DateTimeOffset.UtcNow.AddDays(-3);

    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        // Every second, while a run takes 1.5 s: some occurrences must be skipped, none may overlap.
        ["TestTickSchedule"] = "* * * * * *",
        ["AzureWebJobs.FailingTimer.Disabled"] = "true",
    };

    protected override void Configure(DevHostOptions options) => options.DisableTimers = false;

    // RecordTimer's monitor recorded an occurrence three days ago that never ran.
    protected override async Task PrepareAsync(string storage, string hostId)
    {
        var blob = TimerStatusBlob.For(storage, hostId, "RecordTimer");
        await new BlobServiceClient(storage).GetBlobContainerClient("azure-webjobs-hosts").CreateIfNotExistsAsync();
        await blob.UploadAsync(BinaryData.FromString(new JsonObject
        {
            ["Last"] = Missed.AddDays(-1).ToString("o", CultureInfo.InvariantCulture),
            ["Next"] = Missed.ToString("o", CultureInfo.InvariantCulture),
            ["LastUpdated"] = Missed.AddDays(-1).ToString("o", CultureInfo.InvariantCulture),
        }.ToJsonString()), overwrite: true);
    }
}

// Timers as the host's TimerListener runs them (contract-worker §5), through the worker.
public sealed class ScheduledTimerTests(ScheduledTimersFixture fixture) : IClassFixture<ScheduledTimersFixture>
{
    private TestWorkerHost Host => fixture.Host;

    [Fact]
    public async Task AStoredNextInThePastRunsOnceAtStartPastDueAndTheStatusAdvances()
    {
        var record = (await Eventually.UntilAsync(() => Host.RecordsAsync("RecordTimer"), l => l.Count >= 1, "the catch-up run"))[0];
        var timer = TimerStatusBlob.TimerInfo(record);

        Assert.True((bool)timer["IsPastDue"]!);
        Assert.Equal(fixture.Missed.UtcDateTime, DateTime.Parse((string)timer["ScheduleStatus"]!["Next"]!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), TimeSpan.FromSeconds(1));
        Assert.Matches(@"^\d\d/\d\d/\d{4} \d\d:\d\d:\d\d$", (string)TestWorkerHost.BindingData(record)["TimerTrigger"]!);
        var status = await Eventually.UntilAsync(() => TimerStatusBlob.ReadAsync(TimerStatusBlob.For(Host.StorageConnectionString, Host.HostId, "RecordTimer")),
            s => DateTimeOffset.Parse((string)s["Next"]!, CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow, "the status blob advanced");
        // Last is the missed occurrence: a restart does not run it again.
        Assert.Equal(fixture.Missed.ToUnixTimeSeconds(), DateTimeOffset.Parse((string)status["Last"]!, CultureInfo.InvariantCulture).ToUnixTimeSeconds());
        Assert.Single(await Host.RecordsAsync("RecordTimer"));
    }

    [Fact]
    public async Task RunOnStartupFiresOnceAtStartWithoutMonitor()
    {
        var record = (await Eventually.UntilAsync(() => Host.RecordsAsync("StartupTimer"), l => l.Count >= 1, "the startup run"))[0];
        var timer = TimerStatusBlob.TimerInfo(record);

        Assert.False((bool)timer["IsPastDue"]!);
        Assert.Null(timer["ScheduleStatus"]);
        Assert.Single(await Host.RecordsAsync("StartupTimer"));
    }

    [Fact]
    public async Task ScheduledRunsOfASubMinuteScheduleFireWithoutMonitorAndNeverOverlap()
    {
        var records = await Eventually.UntilAsync(() => Host.RecordsAsync("SlowTicker"), l => l.Count >= 3, "three scheduled runs");

        Assert.All(records, r => Assert.Equal(1, r.GetInt32("Concurrent")));
        Assert.All(records, r => Assert.Null(TimerStatusBlob.TimerInfo(r)["ScheduleStatus"]));
    }
}

public sealed class ManualTimersFixture : SharedHostFixture;

public sealed class ManualTimerTests(ManualTimersFixture fixture) : IClassFixture<ManualTimersFixture>
{
    private TestWorkerHost Host => fixture.Host;

    [Fact]
    public async Task AdminRunOfAMonitoredTimerBeforeItsFirstRunCarriesNeverForLast()
    {
        var result = await Host.AdminRunAsync("RecordTimer", new { input = "" });

        Assert.True((bool)result["succeeded"]!);
        var timer = TimerStatusBlob.TimerInfo((await Host.RecordsAsync("RecordTimer")).Single());
        Assert.StartsWith("0001-01-01T00:00:00", (string)timer["ScheduleStatus"]!["Last"]!, StringComparison.Ordinal);
        Assert.StartsWith("0001-01-01T00:00:00", (string)timer["ScheduleStatus"]!["LastUpdated"]!, StringComparison.Ordinal);
        Assert.False((bool)timer["IsPastDue"]!);
        // A manual run does not move the schedule's status.
        Assert.False(await TimerStatusBlob.For(Host.StorageConnectionString, Host.HostId, "RecordTimer").ExistsAsync());
    }

    [Fact]
    public async Task AFailedTimerRunIsNotRetried()
    {
        var result = await Host.AdminRunAsync("FailingTimer", new { input = "", isPastDue = true });

        Assert.False((bool)result["succeeded"]!);
        Assert.Equal("System.InvalidOperationException: the failing timer failed", (string)result["error"]!);
        var record = Assert.Single(await Host.RecordsAsync("FailingTimer"));
        Assert.True((bool)TimerStatusBlob.TimerInfo(record)["IsPastDue"]!);
    }

    [Fact]
    public async Task AnExplicitUseMonitorFalseGivesANullScheduleStatus()
    {
        var result = await Host.AdminRunAsync("StartupTimer", new { input = "" });

        Assert.True((bool)result["succeeded"]!);
        var timer = TimerStatusBlob.TimerInfo((await Host.RecordsAsync("StartupTimer")).Single());
        Assert.Null(timer["ScheduleStatus"]);
    }
}
