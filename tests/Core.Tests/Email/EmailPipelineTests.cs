using System.Text.Json;
using Azure.Data.Tables;
using Microstructures.Core.Email;
using Microstructures.TestSupport;
using Moq;

namespace Microstructures.Core.Tests.Email;

public sealed class EmailPipelineTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task TheSameQueueMessageDeliveredTwiceSendsOneEmail()
    {
        using var h = new EmailHarness(azurite);
        var id = await h.Outbox.SendAsync(EmailHarness.Message());

        var first = await h.Dispatcher.DeliverAsync(id);
        var second = await h.Dispatcher.DeliverAsync(id);

        Assert.Equal(DeliveryOutcome.Sent, first);
        Assert.Equal(DeliveryOutcome.AlreadySettled, second);
        Assert.Equal(1, h.SendCount(id));
        Assert.Equal(EmailStatus.Sent, (await h.Store.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task ConcurrentDeliveriesOfOneEmailSendItOnce()
    {
        using var h = new EmailHarness(azurite);
        var id = await h.Outbox.SendAsync(EmailHarness.Message());

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => h.Dispatcher.DeliverAsync(id)));

        Assert.Equal(1, h.SendCount(id));
        Assert.Single(outcomes, o => o == DeliveryOutcome.Sent);
    }

    [Fact]
    public async Task AProviderOutageFailsTheInvocationAndTheNextDeliverySends()
    {
        using var h = new EmailHarness(azurite);
        h.Sender.SetupSequence(s => s.SendAsync(It.IsAny<string>(), It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new EmailSendResult(EmailSendStatus.Transient, null, 503, "Service Unavailable"))
            .ReturnsAsync(new EmailSendResult(EmailSendStatus.Accepted, "provider-2", 202));
        var id = await h.Outbox.SendAsync(EmailHarness.Message());

        await Assert.ThrowsAsync<EmailDeliveryException>(() => h.Dispatcher.DeliverAsync(id));
        var afterFailure = await h.Store.GetAsync(id);
        var retried = await h.Dispatcher.DeliverAsync(id);

        Assert.Equal(EmailStatus.Pending, afterFailure!.Status);
        Assert.Contains("503", afterFailure.LastError, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Sent, retried);
        Assert.Equal(2, h.SendCount(id));
        Assert.Equal(EmailStatus.Sent, (await h.Store.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task AMessageTheProviderRefusesForGoodIsMarkedFailedAndNotRetried()
    {
        using var h = new EmailHarness(azurite);
        h.Sender.Setup(s => s.SendAsync(It.IsAny<string>(), It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new EmailSendResult(EmailSendStatus.Permanent, null, 400, "invalid address"));
        var id = await h.Outbox.SendAsync(EmailHarness.Message());

        var outcome = await h.Dispatcher.DeliverAsync(id);
        h.Time.Advance(TimeSpan.FromHours(1));
        await h.QueuedEmailIdsAsync();
        var sweep = await h.Sweeper.SweepAsync();

        Assert.Equal(DeliveryOutcome.RejectedByProvider, outcome);
        Assert.Equal(EmailStatus.Failed, (await h.Store.GetAsync(id))!.Status);
        Assert.Equal(0, sweep.Queued);
    }

    [Fact]
    public async Task ACrashBetweenTheBusinessWriteAndTheDispatchStillSendsTheEmail()
    {
        using var h = new EmailHarness(azurite);
        var table = await h.Storage.TableAsync("crashtest");
        var marker = new EmailCommitMarker("crashtest", "event-1", "seat-1");
        var id = await h.Outbox.PrepareAsync(EmailHarness.Message(), marker);
        await table.AddEntityAsync(marker.NewEntity());
        // ...the process dies here: DispatchAsync is never called.

        var tooEarly = await h.Sweeper.SweepAsync();
        h.Time.Advance(TimeSpan.FromMinutes(3));
        var sweep = await h.Sweeper.SweepAsync();
        var queued = await h.QueuedEmailIdsAsync();
        await h.Dispatcher.DeliverAsync(queued.Single());

        Assert.Equal(0, tooEarly.Queued);
        Assert.Equal(1, sweep.Queued);
        Assert.Equal(id, queued.Single());
        Assert.Equal(1, h.SendCount(id));
    }

    [Fact]
    public async Task AnEmailWhoseBusinessWriteNeverCommittedIsAbandonedNotSent()
    {
        using var h = new EmailHarness(azurite);
        var id = await h.Outbox.PrepareAsync(EmailHarness.Message(), new EmailCommitMarker("crashtest", "event-2", "seat-never"));

        h.Time.Advance(TimeSpan.FromMinutes(3));
        var early = await h.Sweeper.SweepAsync();
        h.Time.Advance(TimeSpan.FromMinutes(30));
        var late = await h.Sweeper.SweepAsync();

        Assert.Equal(0, early.Queued);
        Assert.Equal(1, late.Abandoned);
        Assert.Equal(EmailStatus.Abandoned, (await h.Store.GetAsync(id))!.Status);
        Assert.Empty(await h.QueuedEmailIdsAsync());
        Assert.Equal(0, h.SendCount(id));
    }

    [Fact]
    public async Task AnEmailLeftSendingByACrashIsResentOnlyAfterTheReconcileDelay()
    {
        using var h = new EmailHarness(azurite);
        var id = await h.LeftSendingByACrashAsync();

        h.Time.Advance(TimeSpan.FromMinutes(5));
        var duringWindow = await h.Dispatcher.DeliverAsync(id);
        var sweepDuringWindow = await h.Sweeper.SweepAsync();
        h.Time.Advance(TimeSpan.FromMinutes(15));
        var sweepAfter = await h.Sweeper.SweepAsync();
        var resent = await h.Dispatcher.DeliverAsync((await h.QueuedEmailIdsAsync()).Single());

        Assert.Equal(DeliveryOutcome.InProgressElsewhere, duringWindow);
        Assert.Equal(0, sweepDuringWindow.Queued);
        Assert.Equal(1, sweepAfter.Queued);
        Assert.Equal(DeliveryOutcome.Sent, resent);
        Assert.Equal(1, h.SendCount(id));
    }

    [Fact]
    public async Task AProviderProcessedEventSettlesAnEmailLeftSendingSoItIsNotSentTwice()
    {
        using var h = new EmailHarness(azurite);
        var id = await h.LeftSendingByACrashAsync();

        var report = await h.Reconciler.ApplyAsync([new ProviderEvent("processed", id, "sg-1", null)]);
        h.Time.Advance(TimeSpan.FromHours(1));
        var sweep = await h.Sweeper.SweepAsync();

        Assert.Equal(1, report.Settled);
        Assert.Equal(EmailStatus.Sent, (await h.Store.GetAsync(id))!.Status);
        Assert.Equal(0, sweep.Queued);
        Assert.Equal(0, h.SendCount(id));
    }

    [Fact]
    public async Task PreparingWithTheSameIdTwiceRecordsOneEmail()
    {
        using var h = new EmailHarness(azurite);
        var emailId = "reminder-7d-" + Guid.NewGuid().ToString("N");

        await h.Outbox.SendAsync(EmailHarness.Message(), emailId);
        await h.Outbox.SendAsync(EmailHarness.Message(), emailId);
        foreach (var queued in await h.QueuedEmailIdsAsync())
        {
            await h.Dispatcher.DeliverAsync(queued);
        }

        Assert.Equal(1, h.SendCount(emailId));
    }

    [Fact]
    public async Task SentEmailsArePurgedAfterTheRetentionPeriod()
    {
        using var h = new EmailHarness(azurite);
        var id = await h.Outbox.SendAsync(EmailHarness.Message());
        await h.Dispatcher.DeliverAsync(id);
        await h.QueuedEmailIdsAsync();

        h.Time.Advance(TimeSpan.FromDays(30));
        var early = await h.Sweeper.SweepAsync();
        h.Time.Advance(TimeSpan.FromDays(62));
        var late = await h.Sweeper.SweepAsync();

        Assert.Equal(0, early.Purged);
        Assert.True(late.Purged >= 1);
        Assert.Null(await h.Store.GetAsync(id));
    }
    [Fact]
    public async Task ASmallMessageIsKeptInItsRecordAndSentIntact()
    {
        using var h = new EmailHarness(azurite);
        var message = EmailHarness.Message();
        var id = await h.Outbox.SendAsync(message);

        var record = (await h.Store.GetAsync(id))!;
        var outcome = await h.Dispatcher.DeliverAsync(id);

        Assert.NotNull(record.Body);
        Assert.False(await (await h.Storage.ContainerAsync(EmailStore.MessagesContainer)).GetBlobClient(id + ".json").ExistsAsync());
        Assert.Equal(DeliveryOutcome.Sent, outcome);
        AssertSentAsRecorded(h, id, message);
    }

    [Fact]
    public async Task AMessageTooLargeForTheRecordGoesToABlobIsSentIntactAndPurged()
    {
        using var h = new EmailHarness(azurite);
        var message = EmailHarness.Message() with
        {
            Attachments = [new EmailAttachment("programme.pdf", "application/pdf", Enumerable.Range(0, EmailStore.InlineBodyLimit).Select(i => (byte)i).ToArray())],
        };
        var id = await h.Outbox.SendAsync(message);
        var blob = (await h.Storage.ContainerAsync(EmailStore.MessagesContainer)).GetBlobClient(id + ".json");

        Assert.Null((await h.Store.GetAsync(id))!.Body);
        Assert.True(await blob.ExistsAsync());
        Assert.Equal(DeliveryOutcome.Sent, await h.Dispatcher.DeliverAsync(id));
        AssertSentAsRecorded(h, id, message);

        await h.QueuedEmailIdsAsync();
        h.Time.Advance(TimeSpan.FromDays(92));
        await h.Sweeper.SweepAsync();
        Assert.Null(await h.Store.GetAsync(id));
        Assert.False(await blob.ExistsAsync());
    }

    [Fact]
    public async Task AnEmailRecordedBeforeBodiesWereInlineIsStillSent()
    {
        using var h = new EmailHarness(azurite);
        var message = EmailHarness.Message();
        var id = EmailOutbox.NewId();
        // What the previous version wrote: the body blob, the pending row, a record without Body.
        await (await h.Storage.ContainerAsync(EmailStore.MessagesContainer)).GetBlobClient(id + ".json")
            .UploadAsync(BinaryData.FromObjectAsJson(message, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        await (await h.Storage.TableAsync(EmailStore.PendingTable)).AddEntityAsync(new TableEntity(EmailStore.PendingPartition, id) { ["CreatedAt"] = h.Time.GetUtcNow() });
        await (await h.Storage.TableAsync(EmailStore.EmailsTable)).AddEntityAsync(new TableEntity(id, EmailStore.RecordRowKey)
        {
            ["Status"] = EmailStatus.Pending,
            ["Category"] = message.Category,
            ["CreatedAt"] = h.Time.GetUtcNow(),
            ["Attempts"] = 0,
        });

        Assert.Equal(DeliveryOutcome.Sent, await h.Dispatcher.DeliverAsync(id));
        AssertSentAsRecorded(h, id, message);
        Assert.Empty(await h.Store.ListPendingAsync());
    }

    [Fact]
    public async Task ASettleInterruptedBeforeItsIndexIsRepairedByTheSweeperAndStillPurged()
    {
        using var h = new EmailHarness(azurite);
        var id = await h.Outbox.SendAsync(EmailHarness.Message());
        await h.QueuedEmailIdsAsync();
        // The record says sent, but the process died before the settled index row and the pending delete.
        var record = (await h.Store.GetAsync(id))!;
        record.Status = EmailStatus.Sent;
        record.SettledAt = h.Time.GetUtcNow();
        Assert.True(await h.Store.TryUpdateAsync(record));

        h.Time.Advance(TimeSpan.FromMinutes(5));
        var sweep = await h.Sweeper.SweepAsync();
        h.Time.Advance(TimeSpan.FromDays(92));
        var late = await h.Sweeper.SweepAsync();

        Assert.Equal(1, sweep.Cleared);
        Assert.Empty(await h.Store.ListPendingAsync());
        Assert.Equal(1, late.Purged);
        Assert.Null(await h.Store.GetAsync(id));
        Assert.Equal(0, h.SendCount(id));
    }

    private static void AssertSentAsRecorded(EmailHarness h, string id, EmailMessage expected)
    {
        var sent = (EmailMessage)Assert.Single(h.Sender.Invocations, i => (string)i.Arguments[0] == id).Arguments[1];
        Assert.Equal(expected.To, sent.To);
        Assert.Equal(expected.Subject, sent.Subject);
        Assert.Equal(expected.Html, sent.Html);
        Assert.Equal(expected.Attachments.Select(a => (a.FileName, Convert.ToBase64String(a.Content))), sent.Attachments.Select(a => (a.FileName, Convert.ToBase64String(a.Content))));
    }
}
