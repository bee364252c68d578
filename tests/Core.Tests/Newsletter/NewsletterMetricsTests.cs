using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microstructures.Core.Common;
using Microstructures.Core.Newsletter;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Newsletter;

// Newsletter copies count in EmailsSent (category "newsletter") once per recipient, a provider's
// temporary refusal and the batch sent again later included.
public sealed class NewsletterMetricsTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task EachCopyIsCountedOnceAcrossARetriedBatch()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = NewsletterHarness.At(2026, 3, 10, 8);
        var march = new NewsletterMonth(2026, 3);
        using (var seed = new NewsletterHarness(storage, time))
        {
            await seed.ImportAsync(Enumerable.Range(1, 12).Select(i => $"pro{i:D2}@example.org"));
            await seed.ReadyIssueAsync(march);
        }
        using var h = new NewsletterHarness(storage, time, new Dictionary<string, string?> { ["Newsletter:BatchSize"] = "10" });
        using var sent = new MetricCollector<long>(h.Get<IMeterFactory>(), PlatformMetrics.MeterName, "EmailsSent");
        using var failed = new MetricCollector<long>(h.Get<IMeterFactory>(), PlatformMetrics.MeterName, "EmailsFailed");
        h.BatchBehaviours.Enqueue(NewsletterHarness.Provider.TooManyRequests);

        await h.Monthly.RunAsync();
        Assert.Contains(await h.DrainBatchesAsync(), e => e is NewsletterDeliveryException);
        await h.ResumeUntilSentAsync(march);

        var newsletter = sent.GetMeasurementSnapshot().Where(m => (string?)m.Tags["category"] == NewsletterEmails.IssueCategory).ToList();
        Assert.Equal(12, newsletter.Sum(m => m.Value));
        Assert.Empty(failed.GetMeasurementSnapshot());
    }
}
