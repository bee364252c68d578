using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Audit;
using Microstructures.Core.Email;
using Microstructures.Core.Forfaits;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Storage;
using Moq;

namespace Microstructures.Core.Tests.Forfaits;

// The real Core (storage, e-mail outbox, org tree, forfaits) on one Azurite storage account, with a
// FakeTimeProvider; only the e-mail provider is simulated. Two harnesses on the same connection string
// are two app instances over the same storage.
public sealed class ForfaitHarness : IDisposable
{
    public const string NetworkA = "rms-a";
    public const string NetworkB = "rms-b";
    public const string MicrostructureA1 = "cabinet-a1";
    public const string MicrostructureA2 = "cabinet-a2";
    public const string MicrostructureB1 = "cabinet-b1";

    private readonly ServiceProvider _services;

    public ForfaitHarness(string connectionString, FakeTimeProvider time, DateOnly remindersStartDate, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? overrides = null)
    {
        Time = time;
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Email:FromAddress"] = "no-reply@example.org",
            ["SendGrid:ApiKey"] = "SG.test",
            ["App:PublicBaseUrl"] = "https://plateforme.example.org",
            ["Forfaits:SigningKey"] = "unit-test-forfait-signing-key-0123456789",
            ["Forfaits:RemindersStartDate"] = OrgDates.ToText(remindersStartDate),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        var sender = Sender;
        sender.Setup(s => s.SendAsync(It.IsAny<string>(), It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new EmailSendResult(EmailSendStatus.Accepted, "provider-1", 202));
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton<TimeProvider>(time)
            .AddPlatformStorage()
            .AddEmail()
            .AddReferenceData()
            .AddForfaits()
            .AddSingleton(sender.Object);
        overrides?.Invoke(services);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public FakeTimeProvider Time { get; }
    public Mock<IEmailSender> Sender { get; } = new();
    public DateOnly Today => OrgDates.Today(Time);
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();
    public ForfaitService Forfaits => Get<ForfaitService>();
    public ForfaitInclusions Inclusions => Get<ForfaitInclusions>();
    public ForfaitReminderRun Run => Get<ForfaitReminderRun>();
    public OrgTreeService Tree => Get<OrgTreeService>();
    public ForfaitOptions Options => Get<IOptions<ForfaitOptions>>().Value;
    public StorageInitializer Storage => Get<StorageInitializer>();

    public static Actor NetworkActor(string networkId) => Actor.NetworkKey("k-test", networkId);

    // Two networks; A has two microstructures (the first with two contacts), B has one.
    public async Task SeedTreeAsync()
    {
        Assert.True((await Tree.CreateRegionAsync(new RegionInput("grand-est", "Grand Est"), Actor.Staff)).IsSuccess);
        Assert.True((await Tree.CreateNetworkAsync(new NetworkInput(NetworkA, "RMS A", "Association A", "grand-est", "admin-a@example.org", "medecin-a@example.org"), Actor.Staff)).IsSuccess);
        Assert.True((await Tree.CreateNetworkAsync(new NetworkInput(NetworkB, "RMS B", "Association B", "grand-est", "admin-b@example.org", "admin-b@example.org"), Actor.Staff)).IsSuccess);
        await AddMicrostructureAsync(MicrostructureA1, NetworkA, "Cabinet des Tanneurs", "accueil-a1@example.org", "secretariat-a1@example.org");
        await AddMicrostructureAsync(MicrostructureA2, NetworkA, "Maison de santé du Port", "accueil-a2@example.org");
        await AddMicrostructureAsync(MicrostructureB1, NetworkB, "Cabinet de la Gare", "accueil-b1@example.org");
    }

    private async Task AddMicrostructureAsync(string id, string networkId, string name, params string[] contacts) =>
        Assert.True((await Tree.CreateMicrostructureAsync(new MicrostructureInput(id, networkId, name, "Strasbourg", "67000", "cabinet", contacts, "2020-01-06"), Actor.Staff)).IsSuccess);

    // A forfait whose current (first) period ends the given number of days from today.
    public async Task<Forfait> IncludeEndingInAsync(string microstructureId, string pseudonym, int days, string scheme = "equip-addict")
    {
        var end = Today.AddDays(days);
        var inclusion = end.AddDays(1).AddYears(-1);
        Assert.Equal(end, ForfaitPeriods.EndOf(inclusion));
        return await IncludeAsync(microstructureId, pseudonym, inclusion, scheme);
    }

    public async Task<Forfait> IncludeAsync(string microstructureId, string pseudonym, DateOnly inclusion, string scheme = "equip-addict")
    {
        var networkId = microstructureId == MicrostructureB1 ? NetworkB : NetworkA;
        var created = await Inclusions.CreateAsync(new ForfaitInput(microstructureId, pseudonym, scheme, OrgDates.ToText(inclusion)), NetworkActor(networkId));
        Assert.True(created.IsSuccess, string.Join(" ", created.Errors.SelectMany(e => e.Value)) + created.Detail);
        return created.Value!.Value;
    }

    public void Advance(int days) => Time.Advance(TimeSpan.FromDays(days));

    public async Task<List<(string Id, EmailMessage Message)>> RecordedEmailsAsync()
    {
        var store = Get<EmailStore>();
        var table = await Storage.TableAsync(EmailStore.EmailsTable);
        var list = new List<(string, EmailMessage)>();
        await foreach (var record in table.QueryAsync<EmailRecord>())
        {
            list.Add((record.EmailId, await store.ReadMessageAsync(record)));
        }
        return list;
    }

    // Every e-mail id queued so far (the queue is emptied).
    public async Task<List<string>> DrainQueueAsync()
    {
        var queue = await Storage.QueueAsync(EmailOutbox.QueueName);
        var ids = new List<string>();
        while (true)
        {
            var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (messages.Length == 0)
            {
                return ids;
            }
            foreach (var message in messages)
            {
                ids.Add(EmailOutbox.ParseQueueMessage(message.Body.ToString())!.EmailId);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    public async Task<List<ReminderRecordEntity>> RecordsAsync()
    {
        var table = await Storage.TableAsync(ReminderStore.LedgerTableName);
        var list = new List<ReminderRecordEntity>();
        await foreach (var record in table.QueryAsync<ReminderRecordEntity>(e => e.RowKey.CompareTo("h|") >= 0 && e.RowKey.CompareTo("h}") < 0))
        {
            list.Add(record);
        }
        return list;
    }

    public async Task<List<DigestEntity>> DigestsAsync()
    {
        var table = await Storage.TableAsync(ReminderStore.LedgerTableName);
        var list = new List<DigestEntity>();
        await foreach (var digest in table.QueryAsync<DigestEntity>(e => e.RowKey.CompareTo("d|") >= 0 && e.RowKey.CompareTo("d}") < 0))
        {
            list.Add(digest);
        }
        return list;
    }

    public async Task<List<TableEntity>> AllRowsAsync(string tableName)
    {
        var table = await Storage.TableAsync(tableName);
        var list = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            list.Add(row);
        }
        return list;
    }

    public void Dispose() => _services.Dispose();
}
