
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Email;
using Microstructures.Core.Registrations;
using Microstructures.Core.Storage;
using Microstructures.TestSupport;
using Moq;
using static Microstructures.Functions.Tests.Registrations.RegistrationServiceKit;

namespace Microstructures.Functions.Tests.Registrations;

// A registration's first e-mail is owed by a relay message queued before its transaction
// (RegistrationEmailRelay). These tests break each step in turn, through the app's services on Azurite
// (a fault injected at the queue client, instances that stop, a clock moved on).
public sealed class RegistrationCrashTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static RegistrationInput Lou(string email = "lou@example.org") => new()
    {
        FirstName = "Lou", LastName = "Exemple", Email = email, Profession = "psychologue", Organisation = "Réseau Exemple", Region = "Occitanie",
    };

    [Fact]
    public async Task WhenTheRelayMessageCannotBeQueuedNoSeatIsTakenAndTheRequestFails()
    {
        var failingQueue = new Mock<QueueClient>();
        failingQueue.Setup(q => q.CreateIfNotExistsAsync(It.IsAny<IDictionary<string, string>>(), It.IsAny<CancellationToken>())).ReturnsAsync((Response)null!);
        failingQueue.Setup(q => q.SendMessageAsync(It.IsAny<string>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "Queue unavailable"));
        var queues = new Mock<QueueServiceClient>();
        queues.Setup(q => q.GetQueueClient(It.IsAny<string>())).Returns(failingQueue.Object);
        await using var factory = PlatformServices.Create(azurite);
        await using var crashing = factory.SecondInstance(s => s.AddSingleton(queues.Object));
        var eventId = await CreateEventAsync(factory, capacity: 2);

        var service = crashing.Get<RegistrationService>();
        await Assert.ThrowsAsync<RequestFailedException>(() => service.RegisterAsync(eventId, Lou()));

        var summary = (await factory.Get<EventCatalogue>().GetSummaryAsync(eventId)).Value!;
        Assert.Equal(2, summary.SeatsLeft);
        Assert.Empty(await RegistrationRowsAsync(factory, eventId));
    }

    // The committer queues the next batch's relay message while the current batch's transaction runs: a
    // failure there fails that batch; it never commits without its message.
    [Fact]
    public async Task WhenTheNextBatchsRelayMessageCannotBeQueuedThatBatchTakesNoSeat()
    {
        await using var factory = PlatformServices.Create(azurite);
        var relayQueue = await factory.Get<StorageInitializer>().QueueAsync(RegistrationEmailRelay.QueueName);
        var sends = 0;
        var queue = new Mock<QueueClient>();
        queue.Setup(q => q.CreateIfNotExistsAsync(It.IsAny<IDictionary<string, string>>(), It.IsAny<CancellationToken>())).ReturnsAsync((Response)null!);
        queue.Setup(q => q.SendMessageAsync(It.IsAny<string>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns((string text, TimeSpan? visibility, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
                Interlocked.Increment(ref sends) == 1
                    ? relayQueue.SendMessageAsync(text, visibility, timeToLive, cancellationToken)
                    : Task.FromException<Response<SendReceipt>>(new RequestFailedException(503, "Queue unavailable")));
        var queues = new Mock<QueueServiceClient>();
        queues.Setup(q => q.GetQueueClient(It.IsAny<string>())).Returns(queue.Object);
        await using var instance = factory.SecondInstance(s => s.AddSingleton(queues.Object));
        var eventId = await CreateEventAsync(factory, capacity: 100);
        var service = instance.Get<RegistrationService>();

        // More than one batch holds (33): the first batch's message is queued, every later one fails.
        var answers = await Task.WhenAll(Enumerable.Range(1, 60).Select(async i =>
        {
            try
            {
                return (await service.RegisterAsync(eventId, Lou($"ruee{i}@example.org"))).Value!.RegistrationId;
            }
            catch (RequestFailedException)
            {
                return null;
            }
        }));

        var registered = answers.OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(registered);
        Assert.Contains(answers, a => a is null);
        Assert.Equal(registered.Order(StringComparer.Ordinal), (await RegistrationRowsAsync(factory, eventId)).Select(r => r.GetString("RegistrationId")).Order(StringComparer.Ordinal));
        var relayed = (await relayQueue.ReceiveMessagesAsync(32)).Value.SelectMany(m => RegistrationEmailRelay.Parse(m.Body.ToString())!.RegistrationIds);
        Assert.Subset(relayed.ToHashSet(StringComparer.Ordinal), registered);
    }

    [Fact]
    public async Task ASeatWrittenByAnInstanceThatStopsRightAfterItsTransactionStillGetsItsConfirmation()
    {
        await using var survivor = PlatformServices.Create(azurite);
        var eventId = await CreateEventAsync(survivor, capacity: 2);
        await using (var dying = survivor.SecondInstance())
        {
            // The instance answers and stops: it does nothing more for the e-mail after its transaction.
            Assert.True((await dying.Get<RegistrationService>().RegisterAsync(eventId, Lou())).IsSuccess);
        }

        var (record, message) = Assert.Single(await EmailsToAsync(survivor, "lou@example.org"));

        Assert.Equal("registration-confirmation", message.Category);
        Assert.Contains(record.EmailId, await QueuedEmailIdsAsync(survivor));
    }

    [Fact]
    public async Task ARelayMessageLostAfterTheSeatWriteIsMadeGoodByTheSweepOnce()
    {
        await using var factory = PlatformServices.Create(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        var service = factory.Get<RegistrationService>();
        Assert.True((await service.RegisterAsync(eventId, Lou())).IsSuccess);
        Assert.True((await service.RegisterAsync(eventId, Lou("lea@example.org"))).IsSuccess);
        // The relay messages are lost (poisoned during an outage, say).
        await (await factory.Get<StorageInitializer>().QueueAsync(RegistrationEmailRelay.QueueName)).ClearMessagesAsync();
        var relay = factory.Get<RegistrationEmailRelay>();

        Assert.Equal(0, await relay.SweepAsync()); // too recent: its message may still be on its way
        factory.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(2, await relay.SweepAsync());
        Assert.Equal(0, await relay.SweepAsync());

        Assert.Equal("registration-confirmation", Assert.Single(await EmailsToAsync(factory, "lou@example.org")).Message.Category);
        Assert.Equal("registration-waitlist", Assert.Single(await EmailsToAsync(factory, "lea@example.org")).Message.Category);
    }

    // An event saved before dates were range-checked, its window ending in year 9999: the sweep goes on
    // for the other events instead of failing on it, every run.
    [Fact]
    public async Task AnEventWhoseWindowEndsInYear9999DoesNotStopTheSweep()
    {
        await using var factory = PlatformServices.Create(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        Assert.True((await factory.Get<RegistrationService>().RegisterAsync(eventId, Lou())).IsSuccess);
        await (await factory.Get<StorageInitializer>().QueueAsync(RegistrationEmailRelay.QueueName)).ClearMessagesAsync();
        var store = factory.Get<RegistrationStore>();
        var forever = (await store.GetEventAsync(eventId))!;
        forever.PartitionKey = "jnm-sans-fin";
        forever.ETag = default;
        forever.RegistrationClosesAt = forever.EndsAt = DateTimeOffset.MaxValue.AddDays(-1);
        await (await store.TableAsync()).AddEntityAsync(forever);
        await store.IndexEventAsync("jnm-sans-fin");
        factory.Time.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(1, await factory.Get<RegistrationEmailRelay>().SweepAsync());
    }

    [Fact]
    public async Task RelayingTheSameBatchTwiceRecordsEachEmailOnce()
    {
        await using var factory = PlatformServices.Create(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 3);
        var registered = await factory.Get<RegistrationService>().RegisterAsync(eventId, Lou());
        var relay = factory.Get<RegistrationEmailRelay>();
        var message = new RelayMessage(eventId, [registered.Value!.RegistrationId!]);

        Assert.Equal(1, (await relay.RelayAsync(message)).Relayed);
        Assert.Equal(1, (await relay.RelayAsync(message)).Relayed);

        var (record, _) = Assert.Single(await EmailsToAsync(factory, "lou@example.org"));
        Assert.Equal(RegistrationEmailRelay.EmailId(registered.Value.RegistrationId!, RegistrationStatus.Confirmed), record.EmailId);
    }

    [Fact]
    public async Task ARegistrationThatNeverCommittedIsAskedForAgainThenGivenUpWithoutAnEmail()
    {
        await using var factory = PlatformServices.Create(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 3);
        var relay = factory.Get<RegistrationEmailRelay>();
        var queue = await factory.Get<StorageInitializer>().QueueAsync(RegistrationEmailRelay.QueueName);
        var neverCommitted = Guid.NewGuid().ToString("N");

        var first = await relay.RelayAsync(new RelayMessage(eventId, [neverCommitted]));
        Assert.Equal(new RelayReport(0, 1, 0), first);
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount); // asked again, later

        var last = await relay.RelayAsync(new RelayMessage(eventId, [neverCommitted], RegistrationEmailRelay.MaxAttempts));
        Assert.Equal(new RelayReport(0, 0, 1), last);
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        var records = await (await factory.Get<StorageInitializer>().TableAsync(EmailStore.EmailsTable)).QueryAsync<EmailRecord>().ToListAsync();
        Assert.Empty(records);
    }

    [Fact]
    public async Task TheSameAddressManyTimesInOneRushTakesOneSeatAndAnswersEveryRequest()
    {
        await using var factory = PlatformServices.Create(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 30);
        var service = factory.Get<RegistrationService>();

        // Ten addresses, each sent three times at once (double clicks, retries), among twenty others:
        // repeats land in the same batch as their first, or in the next one.
        var inputs = Enumerable.Range(1, 10).SelectMany(i => Enumerable.Repeat(Lou($"double{i}@example.org"), 3))
            .Concat(Enumerable.Range(1, 20).Select(i => Lou($"simple{i}@example.org")));
        var outcomes = await Task.WhenAll(inputs.Select(input => service.RegisterAsync(eventId, input)));

        Assert.All(outcomes, o => Assert.True(o.IsSuccess));
        Assert.Equal(30, outcomes.Where(o => o.Value!.Kind == RegistrationOutcomeKind.Created).Select(o => o.Value!.RegistrationId).Distinct().Count());
        Assert.Equal(20, outcomes.Count(o => o.Value!.Kind == RegistrationOutcomeKind.AlreadyRegistered));
        var summary = (await factory.Get<EventCatalogue>().GetSummaryAsync(eventId)).Value!;
        Assert.Equal(0, summary.SeatsLeft);
        Assert.Equal(0, summary.Waitlisted);
        Assert.Equal(30, (await RegistrationRowsAsync(factory, eventId)).Count);
    }

    [Fact]
    public async Task AStatusChangedBeforeTheFirstEmailWentIsToldOnlyByTheLaterEmail()
    {
        await using var factory = PlatformServices.Create(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        var service = factory.Get<RegistrationService>();
        var seated = (await service.RegisterAsync(eventId, Lou())).Value!;
        Assert.True((await service.RegisterAsync(eventId, Lou("lea@example.org"))).IsSuccess);

        // Lou cancels from the answer page before the relay ran; Léa is promoted.
        Assert.True((await factory.Get<RegistrationCancellation>().CancelAsync(eventId, seated.RegistrationId!)).IsSuccess);

        Assert.Equal(["registration-cancellation"], (await EmailsToAsync(factory, "lou@example.org")).Select(e => e.Message.Category));
        Assert.Equal(["registration-promotion"], (await EmailsToAsync(factory, "lea@example.org")).Select(e => e.Message.Category));
    }

    [Fact]
    public async Task AnOutboxEmailPreparedForAChangeThatNeverCommittedIsAbandonedNotSent()
    {
        // Cancellations and promotions still prepare their e-mail before their transaction.
        await using var factory = PlatformServices.Create(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        var outbox = factory.Get<EmailOutbox>();
        // What a cancellation that lost its race (or crashed before its transaction) leaves behind.
        var emailId = "reg-lost-race-promotion";
        await outbox.PrepareAsync(new EmailMessage { To = "perdu@example.org", Subject = "x", Html = "x", Text = "x" }, RegistrationStore.Marker(eventId, emailId), emailId);

        factory.Time.Advance(TimeSpan.FromMinutes(30));
        var report = await factory.Get<PendingEmailSweeper>().SweepAsync();

        Assert.Equal(1, report.Abandoned);
        Assert.Equal(EmailStatus.Abandoned, (await factory.Get<EmailStore>().GetAsync(emailId))!.Status);
    }

    private static async Task<List<TableEntity>> RegistrationRowsAsync(PlatformServices factory, string eventId)
    {
        var table = await factory.Get<RegistrationStore>().TableAsync();
        return await table.QueryAsync<TableEntity>(e => e.PartitionKey == eventId && e.RowKey.CompareTo("reg-") >= 0 && e.RowKey.CompareTo("reg.") < 0).ToListAsync();
    }
}
