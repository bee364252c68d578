using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Audit;
using Microstructures.Core.Email;
using Microstructures.Core.Newsletter;
using Microstructures.TestSupport;
using Moq;

namespace Microstructures.Core.Tests.Newsletter;

// The fan-out: every active subscriber gets the month's issue exactly once, across crashes at each point
// of a batch, retried messages, provider errors and resumed runs.
public sealed class CampaignTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly NewsletterMonth March = new(2026, 3);

    // After the March send time (first Tuesday, 3 March 09:00 Paris).
    private static Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock() => NewsletterHarness.At(2026, 3, 10, 8);

    private static readonly Dictionary<string, string?> SmallBatches = new() { ["Newsletter:BatchSize"] = "10" };

    private static List<string> Addresses(int count) => Enumerable.Range(1, count).Select(i => $"pro{i:D4}@example.org").ToList();

    private static async Task<List<string>> SeedAsync(string storage, Microsoft.Extensions.Time.Testing.FakeTimeProvider time, int count)
    {
        using var h = new NewsletterHarness(storage, time);
        var addresses = Addresses(count);
        await h.ImportAsync(addresses);
        await h.ReadyIssueAsync(March);
        return addresses;
    }

    private static void ExactlyOnce(IEnumerable<string> addresses, params NewsletterHarness[] instances)
    {
        var copies = instances.SelectMany(i => i.IssueCopies()).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Sum(c => c.Value));
        Assert.Equal(addresses.Order().ToList(), copies.Keys.Order().ToList());
        Assert.All(copies, c => Assert.Equal(1, c.Value));
    }

    [Fact]
    public async Task TwoThousandFiveHundredSubscribersTakeThreeCallsOfAtMostOneThousand()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        var addresses = await SeedAsync(storage, time, 2500);
        using var h = new NewsletterHarness(storage, time);

        var run = await h.Monthly.RunAsync();
        Assert.Empty(await h.DrainBatchesAsync());

        Assert.Equal((MonthlyDecision.Started, 3, 2500), (run.Decision, run.Plan!.Batches, run.Plan.Recipients));
        var calls = h.BatchCalls.ToList();
        Assert.Equal(3, calls.Count);
        Assert.All(calls, c =>
        {
            Assert.InRange(c.Recipients.Count, 1, 1000);
            Assert.Equal(c.Recipients.Count, c.Recipients.Select(r => r.To).Distinct(StringComparer.OrdinalIgnoreCase).Count());
            Assert.Equal(March.ToString(), c.CustomArgs[NewsletterBatchSender.CampaignArg]);
            Assert.Equal("List-Unsubscribe=One-Click", c.Headers[NewsletterLinks.ListUnsubscribePost]);
        });
        ExactlyOnce(addresses, h);
        var one = h.To("pro0042@example.org").Single();
        var token = h.Tokens.Unsubscribe(h.Ids.For("pro0042@example.org"));
        Assert.Equal($"<{NewsletterHarness.BaseUrl}{NewsletterLinks.UnsubscribePath}?token={token}>", one.Headers[NewsletterLinks.ListUnsubscribe]);
        Assert.Contains(token, one.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(IssueRenderer.UnsubscribePlaceholder, one.Html, StringComparison.Ordinal);
        Assert.Equal(h.Ids.For("pro0042@example.org"), DeliveryKey.TryParse(one.CustomArgs[NewsletterBatchSender.DeliveryArg], out var key) ? key.SubscriberId : null);
        var progress = (await h.Monitor.GetProgressAsync(March))!;
        Assert.Equal((CampaignStatus.Sent, 2500, 2500, 0, 0), (progress.Status, progress.Recipients, progress.Sent, progress.Pending, progress.Failed));
        Assert.Equal(IssueStatus.Sent, (await h.Issues.GetAsync("2026-03")).Value!.Status);
    }

    [Fact]
    public async Task ACrashBeforeTheProviderCallIsSentOnceTheReconcileDelayPassed()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        var addresses = await SeedAsync(storage, time, 25);
        using var crashing = new NewsletterHarness(storage, time, SmallBatches);
        crashing.BatchBehaviours.Enqueue(NewsletterHarness.Provider.CrashBefore);
        await crashing.Monthly.RunAsync();
        Assert.IsType<SimulatedCrashException>(Assert.Single(await crashing.DrainBatchesAsync()));
        var progress = (await crashing.Monitor.GetProgressAsync(March))!;
        Assert.Equal((25, 15, 10), (progress.Recipients, progress.Sent, progress.Pending)); // readable while it runs

        using var restarted = new NewsletterHarness(storage, time, SmallBatches);
        time.Advance(TimeSpan.FromMinutes(11));
        await restarted.Monthly.RunAsync(); // queues the idle batch again: its rows are still within ReconcileDelay
        Assert.Empty(await restarted.DrainBatchesAsync());
        Assert.Empty(restarted.Accepted);
        await restarted.ResumeUntilSentAsync(March);

        ExactlyOnce(addresses, crashing, restarted);
    }

    [Fact]
    public async Task ACrashAfterTheProviderCallIsSettledByTheProcessedEventsAndNeverSentAgain()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        var addresses = await SeedAsync(storage, time, 25);
        using var crashing = new NewsletterHarness(storage, time, SmallBatches);
        crashing.BatchBehaviours.Enqueue(NewsletterHarness.Provider.CrashAfter);
        await crashing.Monthly.RunAsync();
        Assert.IsType<SimulatedCrashException>(Assert.Single(await crashing.DrainBatchesAsync()));

        using var restarted = new NewsletterHarness(storage, time, SmallBatches);
        time.Advance(TimeSpan.FromMinutes(2));
        await restarted.PostProcessedEventsAsync(crashing.BatchCalls.Take(1)); // the signed webhook, matched by custom_args
        await restarted.ResumeUntilSentAsync(March);

        ExactlyOnce(addresses, crashing, restarted);
        Assert.Equal(25, (await restarted.Monitor.GetProgressAsync(March))!.Sent);
    }

    // The one window the design accepts: the provider took the call, the app died before recording it,
    // and no event arrived within ReconcileDelay. Never earlier than that delay.
    [Fact]
    public async Task WithoutAnyEventTheUnknownCallIsSentAgainOnlyAfterTheReconcileDelay()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        await SeedAsync(storage, time, 5);
        using var crashing = new NewsletterHarness(storage, time);
        crashing.BatchBehaviours.Enqueue(NewsletterHarness.Provider.CrashAfter);
        await crashing.Monthly.RunAsync();
        await crashing.DrainBatchesAsync();

        using var restarted = new NewsletterHarness(storage, time);
        for (var minutes = 0; minutes < 14; minutes += 5)
        {
            await restarted.Monthly.RunAsync();
            await restarted.DrainBatchesAsync();
            time.Advance(TimeSpan.FromMinutes(5));
        }
        Assert.Empty(restarted.Accepted);
        await restarted.ResumeUntilSentAsync(March);

        Assert.Equal(5, restarted.IssueCopies().Count);
    }

    [Fact]
    public async Task ACrashAfterSettlingSendsNothingMoreOnResume()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        var addresses = await SeedAsync(storage, time, 25);
        using var crashing = new NewsletterHarness(storage, time, SmallBatches, FailFirstBatchProgress(storage));
        await crashing.Monthly.RunAsync();
        Assert.IsType<RequestFailedException>(Assert.Single(await crashing.DrainBatchesAsync()));
        Assert.Equal(25, crashing.IssueCopies().Count); // every call went through; one batch was not marked done

        using var restarted = new NewsletterHarness(storage, time, SmallBatches);
        await restarted.ResumeUntilSentAsync(March);

        Assert.Empty(restarted.Accepted);
        ExactlyOnce(addresses, crashing);
    }

    [Fact]
    public async Task ARetriedOrDuplicatedMessageAndTwoInstancesAtOnceSendEachRecipientOnce()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        var addresses = await SeedAsync(storage, time, 25);
        using var a = new NewsletterHarness(storage, time, SmallBatches);
        using var b = new NewsletterHarness(storage, time, SmallBatches);
        await a.Monthly.RunAsync();
        var messages = await a.TakeBatchMessagesAsync();

        foreach (var message in messages)
        {
            await Task.WhenAll(a.Batches.SendAsync(message), b.Batches.SendAsync(message));
            await a.Batches.SendAsync(message);
        }

        ExactlyOnce(addresses, a, b);
        Assert.Equal(CampaignStatus.Sent, (await a.Monitor.GetProgressAsync(March))!.Status);
    }

    [Fact]
    public async Task AProvider429IsRetriedAndEachRecipientStillGetsOneCopy()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        var addresses = await SeedAsync(storage, time, 8);
        using var h = new NewsletterHarness(storage, time);
        h.BatchBehaviours.Enqueue(NewsletterHarness.Provider.TooManyRequests);
        await h.Monthly.RunAsync();
        var message = Assert.Single(await h.TakeBatchMessagesAsync());

        var refused = await Assert.ThrowsAsync<NewsletterDeliveryException>(() => h.Batches.SendAsync(message)); // the host retries the message
        Assert.Equal(8, (await h.Monitor.GetProgressAsync(March))!.Pending);
        var retried = await h.Batches.SendAsync(message);

        Assert.Contains("429", refused.Message, StringComparison.Ordinal);
        Assert.Equal(8, retried.SentNow);
        Assert.Equal(2, h.BatchCalls.Count);
        ExactlyOnce(addresses, h);
        Assert.All(await h.RowsAsync<DeliveryEntity>(CampaignStore.DeliveriesTable), d => Assert.Equal(2, d.Attempts));
    }

    [Fact]
    public async Task SuppressedAddressesAreLeftOutAtPlanningAndSkippedAtSendTime()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        var addresses = await SeedAsync(storage, time, 12);
        using var h = new NewsletterHarness(storage, time);
        await h.Unsubscriptions.ApplyProviderSignalAsync("pro0001@example.org", SubscriberSignal.Bounced, "550");
        await h.Get<SubscriberAdministration>().EraseAsync("pro0002@example.org", Actor.Staff);

        var run = await h.Monthly.RunAsync(); // the batch is planned with 10 recipients
        await h.Unsubscriptions.UnsubscribeAsync(h.Tokens.Unsubscribe(h.Ids.For("pro0003@example.org")), UnsubscribeChannel.OneClick);
        await h.PostEventsAsync("""[{"event":"bounce","type":"bounce","email":"pro0004@example.org"},{"event":"spamreport","email":"pro0005@example.org"}]""");
        await h.Get<SubscriberAdministration>().EraseAsync("pro0006@example.org", Actor.Staff);
        await h.Get<SuppressionStore>().SuppressAsync(h.Ids.For("pro0007@example.org"), SuppressionReason.Unsubscribed); // suppressed, row still active
        Assert.Empty(await h.DrainBatchesAsync());

        Assert.Equal(10, run.Plan!.Recipients);
        ExactlyOnce(addresses.Skip(7), h);
        var progress = (await h.Monitor.GetProgressAsync(March))!;
        Assert.Equal((CampaignStatus.Sent, 10, 5, 5, 0), (progress.Status, progress.Recipients, progress.Sent, progress.Skipped, progress.Pending));
    }

    [Fact]
    public async Task TheSentIssueIsInThePublicArchiveWithoutAnyUnsubscribeToken()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        await SeedAsync(storage, time, 3);
        using var h = new NewsletterHarness(storage, time);
        Assert.Empty(await h.Get<IssueArchive>().ListAsync()); // ready is not public
        await h.Monthly.RunAsync();
        await h.DrainBatchesAsync();

        var listed = Assert.Single(await h.Get<IssueArchive>().ListAsync());
        var issue = (await h.Get<IssueArchive>().GetAsync("2026-03")).Value!;

        Assert.Equal(new Uri(NewsletterHarness.BaseUrl + "/api/newsletter/archive/2026-03"), listed.Url);
        Assert.Equal("Les nouvelles du mois", issue.Subject);
        Assert.Contains("<strong>Metz</strong>", issue.BodyHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", issue.BodyHtml, StringComparison.Ordinal); // the archive page's CSP refuses style attributes
        Assert.Contains("style=", issue.Html, StringComparison.Ordinal);
        foreach (var text in new[] { issue.Html, issue.Text, issue.BodyHtml })
        {
            Assert.DoesNotContain("token=", text, StringComparison.Ordinal);
            Assert.DoesNotContain(IssueRenderer.UnsubscribePlaceholder, text, StringComparison.Ordinal);
        }
        Assert.Equal(Microstructures.Core.Common.ResultKind.NotFound, (await h.Get<IssueArchive>().GetAsync("2026-04")).Kind);
    }

    [Fact]
    public async Task APlanningCutShortResumesFromTheLastBatchWrittenWithoutOverlap()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        var addresses = await SeedAsync(storage, time, 35);
        using var crashing = new NewsletterHarness(storage, time, SmallBatches, FailQueueingAfter(storage, 2));
        await Assert.ThrowsAsync<RequestFailedException>(() => crashing.Monthly.RunAsync()); // batch 2 written, its message lost
        Assert.Null((await crashing.Get<CampaignStore>().GetCampaignAsync(March))!.PlannedAt);

        using var restarted = new NewsletterHarness(storage, time, SmallBatches);
        await restarted.ImportAsync(["pro0000@example.org"]); // sorts anywhere among the ids: joins whichever range is not cut yet, or none
        await restarted.Unsubscriptions.UnsubscribeAsync(restarted.Tokens.Unsubscribe(restarted.Ids.For("pro0035@example.org")), UnsubscribeChannel.OneClick);
        var resumed = await restarted.Monthly.RunAsync();
        Assert.Empty(await restarted.DrainBatchesAsync());
        await restarted.ResumeUntilSentAsync(March);

        Assert.Equal(MonthlyDecision.Started, resumed.Decision);
        var copies = restarted.IssueCopies();
        Assert.All(copies, c => Assert.Equal(1, c.Value));
        Assert.Equal(addresses.Where(a => a != "pro0035@example.org").Order(), copies.Keys.Where(a => a != "pro0000@example.org").Order());
        var deliveries = await restarted.RowsAsync<DeliveryEntity>(CampaignStore.DeliveriesTable);
        var batches = await restarted.Get<CampaignStore>().ListBatchesAsync(March);
        Assert.All(batches.Zip(batches.Skip(1)), pair => Assert.Equal(pair.First.Last, pair.Second.After)); // contiguous ranges, no overlap
    }

    // The newsletter-batches queue refuses every message after the first ones (as a crash while planning).
    private static Action<IServiceCollection> FailQueueingAfter(string storage, int accepted) => services =>
    {
        var real = new Azure.Storage.Queues.QueueClient(storage, CampaignStore.QueueName, Microstructures.Core.Storage.StorageServiceCollectionExtensions.QueueOptions());
        var queue = new Mock<Azure.Storage.Queues.QueueClient>(storage, CampaignStore.QueueName, Microstructures.Core.Storage.StorageServiceCollectionExtensions.QueueOptions()) { CallBase = true };
        var left = accepted;
        queue.Setup(q => q.SendMessageAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string text, CancellationToken ct) => Interlocked.Decrement(ref left) < 0
                ? throw new RequestFailedException(503, "Simulated crash while planning")
                : real.SendMessageAsync(text, ct));
        var queues = new Mock<Azure.Storage.Queues.QueueServiceClient>(storage, Microstructures.Core.Storage.StorageServiceCollectionExtensions.QueueOptions()) { CallBase = true };
        queues.Setup(q => q.GetQueueClient(CampaignStore.QueueName)).Returns(queue.Object);
        services.AddSingleton(queues.Object);
    };

    // The batch's progress write fails once: every delivery is settled, the batch is not marked done.
    private static Action<IServiceCollection> FailFirstBatchProgress(string storage) => services =>
    {
        var real = new TableClient(storage, CampaignStore.CampaignsTable);
        var campaigns = new Mock<TableClient>(storage, CampaignStore.CampaignsTable) { CallBase = true };
        var left = 1;
        campaigns.Setup(t => t.UpdateEntityAsync(It.Is<TableEntity>(e => e.ContainsKey(nameof(BatchEntity.Done))), It.IsAny<ETag>(), TableUpdateMode.Merge, It.IsAny<CancellationToken>()))
            .Returns((TableEntity entity, ETag etag, TableUpdateMode mode, CancellationToken ct) => Interlocked.Decrement(ref left) >= 0
                ? throw new RequestFailedException(503, "Simulated crash after the deliveries were settled")
                : real.UpdateEntityAsync(entity, etag, mode, ct));
        var tables = new Mock<TableServiceClient>(storage) { CallBase = true };
        tables.Setup(t => t.GetTableClient(CampaignStore.CampaignsTable)).Returns(campaigns.Object);
        services.AddSingleton(tables.Object);
    };
}
