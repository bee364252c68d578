using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Email;
using Microstructures.Core.Forfaits;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Storage;
using Microstructures.TestSupport;
using Moq;

namespace Microstructures.Core.Tests.Forfaits;

// The run's crash windows (ForfaitReminderRun's comment), with the crash simulated at the storage edge:
// whatever happens, each team gets its digest exactly once.
public sealed class ForfaitReminderCrashTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2027, 4, 12, 7, 0, 0, TimeSpan.Zero));

    private static async Task SeedAsync(string storage, FakeTimeProvider time)
    {
        using var h = new ForfaitHarness(storage, time, OrgDates.Today(time).AddDays(-10));
        await h.SeedTreeAsync();
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA2, "PAT-01", 29);
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureB1, "PAT-02", 30);
    }

    // The digest transaction fails (as a crash right before it would): the e-mails are recorded, not committed.
    private static Action<IServiceCollection> FailDigestCommits(string storage, int times) => services =>
    {
        var real = new TableServiceClient(storage);
        var ledger = new Mock<TableClient>(storage, ReminderStore.LedgerTableName) { CallBase = true };
        var left = times;
        ledger.Setup(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()))
            .Returns((IEnumerable<TableTransactionAction> actions, CancellationToken ct) => Interlocked.Decrement(ref left) >= 0
                ? throw new RequestFailedException(503, "Simulated crash before the digest commits")
                : real.GetTableClient(ReminderStore.LedgerTableName).SubmitTransactionAsync(actions, ct));
        var tables = new Mock<TableServiceClient>(storage) { CallBase = true };
        tables.Setup(t => t.GetTableClient(ReminderStore.LedgerTableName)).Returns(ledger.Object);
        services.AddSingleton(tables.Object);
    };

    // Queuing fails (as a crash right after the digest committed).
    private static Action<IServiceCollection> FailQueueing(string storage) => services =>
    {
        var queue = new Mock<QueueClient>(storage, EmailOutbox.QueueName, StorageServiceCollectionExtensions.QueueOptions()) { CallBase = true };
        queue.Setup(q => q.SendMessageAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "Simulated crash before queuing"));
        var queues = new Mock<QueueServiceClient>(storage, StorageServiceCollectionExtensions.QueueOptions()) { CallBase = true };
        queues.Setup(q => q.GetQueueClient(EmailOutbox.QueueName)).Returns(queue.Object);
        services.AddSingleton(queues.Object);
    };

    // Delivers everything queued and pending (sweeping as the timer would) and counts what each address got.
    // The run tries every digest (one failing does not cancel the others), then fails naming each.
    private static async Task CrashesOnEveryDigestAsync(ForfaitHarness crashing)
    {
        var failure = await Assert.ThrowsAsync<AggregateException>(() => crashing.Run.RunAsync());
        Assert.Equal(2, failure.InnerExceptions.Count);
        Assert.All(failure.InnerExceptions, e => Assert.IsType<RequestFailedException>(e));
    }

    private static async Task<Dictionary<string, int>> DeliverAllAsync(ForfaitHarness h)
    {
        h.Time.Advance(TimeSpan.FromMinutes(30)); // past 10 SweepGrace: unmarked e-mails are abandoned, marked ones queued
        await h.Get<PendingEmailSweeper>().SweepAsync();
        foreach (var id in await h.DrainQueueAsync())
        {
            await h.Get<EmailDispatcher>().DeliverAsync(id);
        }
        return h.Sender.Invocations.Where(i => i.Method.Name == nameof(IEmailSender.SendAsync))
            .GroupBy(i => ((EmailMessage)i.Arguments[1]).To).ToDictionary(g => g.Key, g => g.Count());
    }

    [Fact]
    public async Task ACrashBeforeTheDigestCommitsIsRetriedTheSameDayWithTheSameEmails()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        await SeedAsync(storage, time);
        using var crashing = new ForfaitHarness(storage, time, OrgDates.Today(time).AddDays(-10), overrides: FailDigestCommits(storage, times: 10));
        await CrashesOnEveryDigestAsync(crashing);
        var recordedByTheCrash = (await crashing.RecordedEmailsAsync()).Select(e => e.Id).ToList();
        Assert.DoesNotContain(await crashing.RecordsAsync(), r => r.Outcome == "Sent");

        time.Advance(TimeSpan.FromMinutes(3));
        using var h = new ForfaitHarness(storage, time, OrgDates.Today(time).AddDays(-10));
        var retried = await h.Run.RunAsync();

        Assert.Equal(2, retried.Sent);
        Assert.Equal(recordedByTheCrash.Order(), (await h.RecordedEmailsAsync()).Select(e => e.Id).Order()); // the same e-mails, recorded once
        Assert.Equal(new Dictionary<string, int> { ["accueil-a2@example.org"] = 1, ["accueil-b1@example.org"] = 1 }, await DeliverAllAsync(h));
    }

    [Fact]
    public async Task ACrashBeforeTheDigestCommitsCaughtUpTheNextDayNeverSendsTheAbandonedEmails()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        await SeedAsync(storage, time);
        using var crashing = new ForfaitHarness(storage, time, OrgDates.Today(time).AddDays(-10), overrides: FailDigestCommits(storage, times: 10));
        await CrashesOnEveryDigestAsync(crashing);

        time.Advance(TimeSpan.FromDays(1));
        using var h = new ForfaitHarness(storage, time, OrgDates.Today(time).AddDays(-11));
        var caughtUp = await h.Run.RunAsync();

        Assert.Equal(2, caughtUp.Sent);
        Assert.Equal(4, (await h.RecordedEmailsAsync()).Count); // yesterday's two, never committed, and today's two
        Assert.Equal(new Dictionary<string, int> { ["accueil-a2@example.org"] = 1, ["accueil-b1@example.org"] = 1 }, await DeliverAllAsync(h));
        var statuses = new List<string>();
        foreach (var (id, _) in await h.RecordedEmailsAsync())
        {
            statuses.Add((await h.Get<EmailStore>().GetAsync(id))!.Status);
        }
        Assert.Equal([EmailStatus.Abandoned, EmailStatus.Abandoned, EmailStatus.Sent, EmailStatus.Sent], statuses.Order());
    }

    [Fact]
    public async Task ARetryTheSameDayAfterTheSweeperAbandonedTheCrashedEmailsSendsFreshOnes()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        await SeedAsync(storage, time);
        using var crashing = new ForfaitHarness(storage, time, OrgDates.Today(time).AddDays(-10), overrides: FailDigestCommits(storage, times: 10));
        await CrashesOnEveryDigestAsync(crashing);
        time.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(2, (await crashing.Get<PendingEmailSweeper>().SweepAsync()).Abandoned);

        using var h = new ForfaitHarness(storage, time, OrgDates.Today(time).AddDays(-10));
        var retried = await h.Run.RunAsync();

        Assert.Equal(2, retried.Sent);
        Assert.All(await h.DigestsAsync(), d => Assert.EndsWith("-2", d.DigestId, StringComparison.Ordinal)); // not the abandoned e-mails' id
        Assert.Equal(new Dictionary<string, int> { ["accueil-a2@example.org"] = 1, ["accueil-b1@example.org"] = 1 }, await DeliverAllAsync(h));
    }

    [Fact]
    public async Task ACrashAfterTheDigestCommittedIsQueuedByTheSweeperAndNotSentAgainByTheNextRun()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = Clock();
        await SeedAsync(storage, time);
        using var crashing = new ForfaitHarness(storage, time, OrgDates.Today(time).AddDays(-10), overrides: FailQueueing(storage));
        await CrashesOnEveryDigestAsync(crashing);

        using var h = new ForfaitHarness(storage, time, OrgDates.Today(time).AddDays(-10));
        var again = await h.Run.RunAsync();

        Assert.Equal(0, again.Sent);
        Assert.Equal(2, (await h.RecordsAsync()).Count(r => r.Outcome == "Sent"));
        Assert.Equal(new Dictionary<string, int> { ["accueil-a2@example.org"] = 1, ["accueil-b1@example.org"] = 1 }, await DeliverAllAsync(h));
    }
}
