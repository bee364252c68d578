using System.Text;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Queues;
using Microstructures.Core.Storage;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Queues;

public sealed class PoisonQueueTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static ServiceProvider Start(string connectionString) => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connectionString }).Build())
        .AddPlatformStorage()
        .AddQueueFailures()
        .BuildServiceProvider();

    // What the host does at the fifth failure: the body copied to <queue>-poison under a new id.
    private static async Task<QueueClient> PoisonAsync(string connectionString, string queue, string rawText)
    {
        var poison = new QueueClient(connectionString, queue + "-poison");
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync(rawText);
        return poison;
    }

    [Fact]
    public async Task PoisonMessagesAreListedWithTheirLastErrorAndReplayedByteForByte()
    {
        var cs = azurite.IsolatedConnectionString();
        using var services = Start(cs);
        var store = services.GetRequiredService<QueueFailureStore>();
        var service = services.GetRequiredService<PoisonQueueService>();
        const string Text = """{"networkId":"rms-a","receiptId":"0123456789abcdef0123456789abcdef"}""";
        var raw = Convert.ToBase64String(Encoding.UTF8.GetBytes(Text));
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await store.RecordAsync(new QueueFailure("ComputeIndicators", "compute-indicators", "m-1", attempt, "System.InvalidOperationException",
                $"échec {attempt}", Now.AddSeconds(attempt), QueueFailure.Hash(Text)));
        }
        await PoisonAsync(cs, "compute-indicators", raw);
        await PoisonAsync(cs, "outbound-email", "not base64 at all: é");

        var listed = await service.ListAsync();

        Assert.Equal(["compute-indicators-poison", "outbound-email-poison"], listed.Select(q => q.Name));
        var message = Assert.Single(listed[0].Messages);
        Assert.Equal((raw, Text, 1), (message.RawText, message.Text, listed[0].ApproximateCount));
        Assert.Equal(("ComputeIndicators", 5L, "System.InvalidOperationException", "échec 5", "m-1"),
            (message.LastFailure!.FunctionName, message.LastFailure.DequeueCount, message.LastFailure.ExceptionType, message.LastFailure.ExceptionMessage, message.LastFailure.MessageId));
        Assert.Equal(5, (await store.ListAsync("compute-indicators", "m-1")).Count);
        Assert.Equal("échec 5", (await store.GetLastAsync("compute-indicators", "m-1"))!.ExceptionMessage);
        Assert.Null(listed[1].Messages[0].LastFailure);

        Assert.True(await service.ReplayAsync("compute-indicators-poison", message.MessageId));
        Assert.False(await service.ReplayAsync("compute-indicators-poison", message.MessageId));
        Assert.Equal(1, await service.ReplayAllAsync("outbound-email-poison"));

        var back = Assert.Single((await new QueueClient(cs, "compute-indicators").PeekMessagesAsync(10)).Value);
        Assert.Equal(raw, back.MessageText);
        Assert.Equal("not base64 at all: é", Assert.Single((await new QueueClient(cs, "outbound-email").PeekMessagesAsync(10)).Value).MessageText);
        Assert.All(await service.ListAsync(), q => Assert.Empty(q.Messages));
    }

    [Fact]
    public async Task ReplayingOneMessageLeavesTheOthersVisible()
    {
        var cs = azurite.IsolatedConnectionString();
        using var services = Start(cs);
        var service = services.GetRequiredService<PoisonQueueService>();
        var poison = await PoisonAsync(cs, "work", "YQ==");
        await poison.SendMessageAsync("Yg==");
        await poison.SendMessageAsync("Yw==");
        var second = (await service.ListAsync())[0].Messages[1];

        Assert.True(await service.ReplayAsync("work-poison", second.MessageId));

        Assert.Equal(["YQ==", "Yw=="], (await poison.PeekMessagesAsync(10)).Value.Select(m => m.MessageText).Order(StringComparer.Ordinal));
        Assert.Equal("Yg==", Assert.Single((await new QueueClient(cs, "work").PeekMessagesAsync(10)).Value).MessageText);
    }
}
