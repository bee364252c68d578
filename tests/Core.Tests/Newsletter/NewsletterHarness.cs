using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Audit;
using Microstructures.Core.Email;
using Microstructures.Core.Newsletter;
using Microstructures.Core.Storage;
using Moq;

namespace Microstructures.Core.Tests.Newsletter;

// One e-mail as the provider accepted it: a single message, or one recipient of a batch call.
public sealed record Received(string To, string Subject, string Category, string Html, string Text, IReadOnlyDictionary<string, string> Headers, IReadOnlyDictionary<string, string> CustomArgs);

public sealed class SimulatedCrashException(string message) : Exception(message);

// The real Core (storage, e-mail outbox, newsletter) on one Azurite storage account with a
// FakeTimeProvider; only the provider (IEmailSender) is simulated, and it records what it accepted.
// Two harnesses on the same connection string are two app instances (or a restart) over the same storage.
public sealed class NewsletterHarness : IDisposable
{
    public const string BaseUrl = "https://plateforme.example.org";
    public const string StaffAddress = "equipe@example.org";

    private readonly ServiceProvider _services;

    public NewsletterHarness(string connectionString, FakeTimeProvider time, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? overrides = null)
    {
        Time = time;
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Email:FromAddress"] = "lettre@example.org",
            ["SendGrid:ApiKey"] = "SG.test",
            ["App:PublicBaseUrl"] = BaseUrl,
            ["Newsletter:SigningKey"] = "unit-test-newsletter-signing-key-0123456789",
            ["Newsletter:AddressHashKey"] = "unit-test-newsletter-address-key-0123456789",
            ["Newsletter:StaffAlertAddress"] = StaffAddress,
            ["Newsletter:PostalAddress"] = "1 rue de l'Exemple, 67000 Strasbourg",
            ["Newsletter:ThrottleCallsPerSecond"] = "1000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        Sender.Setup(s => s.SendAsync(It.IsAny<string>(), It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, EmailMessage m, CancellationToken _) =>
            {
                Accepted.Enqueue(new Received(m.To, m.Subject, m.Category, m.Html, m.Text, m.Headers, new Dictionary<string, string>()));
                return new EmailSendResult(EmailSendStatus.Accepted, "sg-single", 202);
            });
        Sender.Setup(s => s.SendBatchAsync(It.IsAny<EmailBatch>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((EmailBatch batch, CancellationToken _) =>
            {
                BatchCalls.Enqueue(batch);
                var behaviour = BatchBehaviours.TryDequeue(out var next) ? next : Provider.Accept;
                if (behaviour == Provider.CrashBefore)
                {
                    throw new SimulatedCrashException("The instance died before the provider call.");
                }
                if (behaviour == Provider.TooManyRequests)
                {
                    return new EmailSendResult(EmailSendStatus.Transient, null, 429, "Too Many Requests");
                }
                foreach (var r in batch.Recipients)
                {
                    var headers = new Dictionary<string, string>(batch.Headers);
                    foreach (var (k, v) in r.Headers)
                    {
                        headers[k] = v;
                    }
                    var args = new Dictionary<string, string>(batch.CustomArgs);
                    foreach (var (k, v) in r.CustomArgs)
                    {
                        args[k] = v;
                    }
                    Accepted.Enqueue(new Received(r.To, Substitute(batch.Subject, r), batch.Category, Substitute(batch.Html, r), Substitute(batch.Text, r), headers, args));
                }
                return behaviour == Provider.CrashAfter
                    ? throw new SimulatedCrashException("The instance died after the provider accepted the call.")
                    : new EmailSendResult(EmailSendStatus.Accepted, "sg-batch", 202);
            });
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton<TimeProvider>(time)
            .AddPlatformStorage()
            .AddEmail()
            .AddNewsletter()
            .AddSingleton(Sender.Object);
        overrides?.Invoke(services);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public enum Provider
    {
        Accept,
        CrashBefore,
        CrashAfter,
        TooManyRequests,
    }

    public FakeTimeProvider Time { get; }
    public Mock<IEmailSender> Sender { get; } = new();
    public ConcurrentQueue<Received> Accepted { get; } = new();
    public ConcurrentQueue<EmailBatch> BatchCalls { get; } = new();
    public ConcurrentQueue<Provider> BatchBehaviours { get; } = new();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();
    public SubscriptionService Subscriptions => Get<SubscriptionService>();
    public Unsubscriptions Unsubscriptions => Get<Unsubscriptions>();
    public SubscriberStore Subscribers => Get<SubscriberStore>();
    public SubscriberIds Ids => Get<SubscriberIds>();
    public NewsletterTokens Tokens => Get<NewsletterTokens>();
    public IssueService Issues => Get<IssueService>();
    public MonthlyNewsletterRun Monthly => Get<MonthlyNewsletterRun>();
    public NewsletterBatchSender Batches => Get<NewsletterBatchSender>();
    public CampaignMonitor Monitor => Get<CampaignMonitor>();
    public StorageInitializer Storage => Get<StorageInitializer>();

    public static FakeTimeProvider At(int year, int month, int day, int hour = 12, int minute = 0) =>
        new(new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero));

    private static string Substitute(string text, EmailBatchRecipient recipient) =>
        recipient.Substitutions.Aggregate(text, (t, s) => t.Replace(s.Key, s.Value, StringComparison.Ordinal));

    public Task<SubscriberEntity?> SubscriberAsync(string email) => Subscribers.GetAsync(Ids.For(email));

    public async Task<SubscriberStatus?> StatusAsync(string email) => (await SubscriberAsync(email))?.StatusValue();

    // Every outbox e-mail queued so far is delivered as the SendEmail function would (the queue is emptied).
    public async Task DeliverQueuedEmailsAsync()
    {
        var queue = await Storage.QueueAsync(EmailOutbox.QueueName);
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                await Get<EmailDispatcher>().DeliverAsync(EmailOutbox.ParseQueueMessage(message.Body.ToString())!.EmailId);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    public List<Received> To(string address) => Accepted.Where(r => string.Equals(r.To, address, StringComparison.OrdinalIgnoreCase)).ToList();

    // A subscriber who confirmed through the link of the e-mail they received.
    public async Task<string> ActiveSubscriberAsync(string email)
    {
        Assert.True((await Subscriptions.SubscribeAsync(new SubscriptionInput(email, true))).IsSuccess);
        await DeliverQueuedEmailsAsync();
        var token = TokenFromLink(To(email).Last(r => r.Category == NewsletterEmails.ConfirmationCategory).Html, NewsletterLinks.ConfirmPath);
        Assert.Equal(ConfirmationState.Confirmed, (await Subscriptions.ConfirmAsync(token)).Value!.State);
        await DeliverQueuedEmailsAsync();
        return Ids.For(email);
    }

    // The token of the first link to the given platform path in an e-mail's HTML.
    public static string TokenFromLink(string html, string path)
    {
        var start = html.IndexOf(BaseUrl + path + "?token=", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No link to {path} in the e-mail.");
        start = html.IndexOf("token=", start, StringComparison.Ordinal) + "token=".Length;
        var end = html.IndexOfAny(['"', '<', '>', ' ', '\n', '&'], start);
        return end < 0 ? html[start..] : html[start..end];
    }

    // Professional contacts imported from a CSV (the fast way to many active subscribers).
    public async Task ImportAsync(IEnumerable<string> addresses)
    {
        var csv = "email\n" + string.Join("\n", addresses);
        var result = await Get<SubscriberImport>().ImportAsync(Encoding.UTF8.GetBytes(csv), "Annuaire de test", Actor.Staff);
        Assert.True(result.IsSuccess, string.Join(" ", result.Errors.SelectMany(e => e.Value)));
    }

    public async Task ReadyIssueAsync(NewsletterMonth month, string subject = "Les nouvelles du mois", string body = "## Au sommaire\n\nLes réseaux se réunissent à **Metz**.")
    {
        var saved = await Issues.SaveAsync(month.ToString(), new IssueInput(subject, body), Actor.Staff);
        Assert.True(saved.IsSuccess, string.Join(" ", saved.Errors.SelectMany(e => e.Value)) + saved.Detail);
        var ready = await Issues.MarkReadyAsync(month.ToString(), Actor.Staff);
        Assert.True(ready.IsSuccess, string.Join(" ", ready.Errors.SelectMany(e => e.Value)) + ready.Detail);
    }

    // Handles every queued newsletter batch message, as the queue function would, until none is left.
    // A message whose handling throws is taken as lost (the instance died, or the host poisoned it after
    // its retries): it is removed and the failure returned; the monthly run's monitor queues the batch again.
    public async Task<List<Exception>> DrainBatchesAsync()
    {
        var queue = await Storage.QueueAsync(CampaignStore.QueueName);
        var failures = new List<Exception>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                try
                {
                    await Batches.SendAsync(CampaignStore.ParseMessage(message.Body.ToString())!);
                }
                catch (Exception ex) when (ex is SimulatedCrashException or NewsletterDeliveryException or Azure.RequestFailedException)
                {
                    failures.Add(ex);
                }
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
        return failures;
    }

    // What the timers and queue do after a crash, minutes apart, until the month's campaign is sent.
    public async Task ResumeUntilSentAsync(NewsletterMonth month)
    {
        for (var step = 0; step < 20; step++)
        {
            Time.Advance(TimeSpan.FromMinutes(5));
            await Monthly.RunAsync();
            Assert.Empty(await DrainBatchesAsync());
            if ((await Monitor.GetProgressAsync(month))?.Status == CampaignStatus.Sent)
            {
                return;
            }
        }
        Assert.Fail($"Campaign {month} was not sent after 100 minutes of resuming.");
    }

    // How many copies of the month's issue each address received.
    public Dictionary<string, int> IssueCopies() =>
        Accepted.Where(r => r.Category == NewsletterEmails.IssueCategory).GroupBy(r => r.To).ToDictionary(g => g.Key, g => g.Count());

    public async Task<List<NewsletterBatchMessage>> TakeBatchMessagesAsync()
    {
        var queue = await Storage.QueueAsync(CampaignStore.QueueName);
        var list = new List<NewsletterBatchMessage>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                list.Add(CampaignStore.ParseMessage(message.Body.ToString())!);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
        return list;
    }

    // The provider's Event Webhook posting a "processed" event for each recipient of the given calls.
    public async Task PostProcessedEventsAsync(IEnumerable<EmailBatch> calls)
    {
        var events = calls.SelectMany(c => c.Recipients.Select(r => new Dictionary<string, object?>
        {
            ["event"] = "processed",
            ["email"] = r.To,
            ["sg_message_id"] = "sg-" + r.To,
            [NewsletterBatchSender.CampaignArg] = c.CustomArgs[NewsletterBatchSender.CampaignArg],
            [NewsletterBatchSender.DeliveryArg] = r.CustomArgs[NewsletterBatchSender.DeliveryArg],
        })).ToList();
        await PostEventsAsync(JsonSerializer.Serialize(events));
    }

    public async Task PostEventsAsync(string json) =>
        await Get<EmailEventReconciler>().ApplyAsync(EmailEventReconciler.ParseEvents(json).Value!);

    public async Task<List<T>> RowsAsync<T>(string table) where T : class, ITableEntity, new()
    {
        var client = await Storage.TableAsync(table);
        var list = new List<T>();
        await foreach (var row in client.QueryAsync<T>())
        {
            list.Add(row);
        }
        return list;
    }

    public void Dispose() => _services.Dispose();
}
