using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microstructures.DevHost.Tests.Support;

namespace Microstructures.DevHost.Tests.Queues;

public sealed class HostJsonOverrideFixture : SharedHostFixture
{
    // host.json says: retry a failed message after 10 minutes, poison it at the fifth delivery.
    protected override JsonObject Queues => new() { ["visibilityTimeout"] = "00:10:00", ["maxDequeueCount"] = 5 };

    // App settings say otherwise, the way the host reads them (any casing of the path).
    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:00",
        ["AzureFunctionsJobHost__Extensions__Queues__MaxDequeueCount"] = "2",
    };
}

// An app setting AzureFunctionsJobHost__<path> overrides host.json's value at <path>, as on the host.
public sealed class HostJsonOverrideTests(HostJsonOverrideFixture fixture) : IClassFixture<HostJsonOverrideFixture>
{
    [Fact]
    public async Task QueueSettingsFromAppSettingsWinOverHostJson()
    {
        var host = fixture.Host;
        var message = "fail " + Guid.NewGuid();
        await host.Queue(host.QueueName).SendMessageAsync(message);

        // With host.json's values the second delivery would come ten minutes later and three more would follow.
        var poison = new QueueClient(host.StorageConnectionString, host.QueueName + "-poison");
        await Eventually.UntilAsync(
            async () => await poison.ExistsAsync() ? (await poison.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList() : [],
            list => list.Contains(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(message))), "the message in the poison queue");

        var attempts = (await host.RecordsAsync("RecordQueue")).Where(r => r.GetString("Message") == message);
        Assert.Equal(["1", "2"], attempts.Select(r => (string)TestWorkerHost.BindingData(r)["DequeueCount"]!));
    }
}
