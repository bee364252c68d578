using System.Diagnostics.Metrics;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Common;
using Microstructures.Core.Queues;
using Microstructures.Core.Storage;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Queues;

// What the poison-messages alert reads: PoisonQueueLength per "-poison" queue, as a MeterListener
// (the OpenTelemetry SDK's way in) receives it.
public sealed class PoisonQueueLengthsTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task EveryPoisonQueueIsMeasuredEmptyOnesAsZeroAndOtherQueuesNot()
    {
        var cs = azurite.IsolatedConnectionString();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = cs }).Build())
            .AddPlatformStorage()
            .AddPlatformMetrics()
            .AddSingleton<PoisonQueueLengths>()
            .BuildServiceProvider();
        var poisoned = new QueueClient(cs, "outbound-email-poison");
        await poisoned.CreateAsync();
        await poisoned.SendMessageAsync("a");
        await poisoned.SendMessageAsync("b");
        await new QueueClient(cs, "registration-emails-poison").CreateAsync();
        var working = new QueueClient(cs, "outbound-email");
        await working.CreateAsync();
        await working.SendMessageAsync("c");

        var measured = new List<(string Queue, long Length)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PlatformMetrics.MeterName && instrument.Name == "PoisonQueueLength")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var queue = tags.ToArray().Single(t => t.Key == "queue").Value as string;
            lock (measured)
            {
                measured.Add((queue!, value));
            }
        });
        listener.Start();

        var lengths = await services.GetRequiredService<PoisonQueueLengths>().RecordAsync();

        Assert.Equal([("outbound-email-poison", 2L), ("registration-emails-poison", 0L)], measured.Order());
        Assert.Equal(2, lengths["outbound-email-poison"]);
        Assert.Equal(2, lengths.Count);
    }
}
