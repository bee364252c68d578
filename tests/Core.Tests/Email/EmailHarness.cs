using System.Diagnostics.Metrics;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Common;
using Microstructures.Core.Email;
using Microstructures.Core.Storage;
using Microstructures.TestSupport;
using Moq;

namespace Microstructures.Core.Tests.Email;

// Real Core e-mail classes on a real Azurite; only the provider call (IEmailSender) is simulated,
// to produce the faults (5xx, refusals) a test needs.
public sealed class EmailHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public EmailHarness(Azurite azurite, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.IsolatedConnectionString(),
            ["Email:FromAddress"] = "no-reply@example.org",
            ["Email:FromName"] = "CNRMS",
            ["SendGrid:ApiKey"] = "SG.test",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        Sender.Setup(s => s.SendAsync(It.IsAny<string>(), It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new EmailSendResult(EmailSendStatus.Accepted, "provider-1", 202));
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton<TimeProvider>(Time)
            .AddPlatformStorage()
            .AddEmail()
            .AddSingleton(Sender.Object);
        _services = services.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    public Mock<IEmailSender> Sender { get; } = new();

    public EmailOutbox Outbox => _services.GetRequiredService<EmailOutbox>();
    public EmailStore Store => _services.GetRequiredService<EmailStore>();
    public EmailDispatcher Dispatcher => _services.GetRequiredService<EmailDispatcher>();
    public PendingEmailSweeper Sweeper => _services.GetRequiredService<PendingEmailSweeper>();
    public EmailEventReconciler Reconciler => _services.GetRequiredService<EmailEventReconciler>();
    public StorageInitializer Storage => _services.GetRequiredService<StorageInitializer>();

    // The measurements of one of PlatformMetrics' instruments from now on.
    public MetricCollector<long> Collect(string instrument) =>
        new(_services.GetRequiredService<IMeterFactory>(), PlatformMetrics.MeterName, instrument);

    public static EmailMessage Message(string to = "participant@example.org") => new()
    {
        To = to,
        Subject = "Confirmation",
        Html = "<p>Bonjour</p>",
        Text = "Bonjour",
        Category = "test",
        Attachments = [new EmailAttachment("invitation.ics", "text/calendar", "BEGIN:VCALENDAR"u8.ToArray())],
    };

    public async Task<List<string>> QueuedEmailIdsAsync()
    {
        var queue = await Storage.QueueAsync(EmailOutbox.QueueName);
        var ids = new List<string>();
        foreach (var message in (await queue.ReceiveMessagesAsync(32)).Value)
        {
            ids.Add(EmailOutbox.ParseQueueMessage(message.Body.ToString())!.EmailId);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
        return ids;
    }

    // An e-mail whose delivery claimed it and then died before recording the provider's answer.
    public async Task<string> LeftSendingByACrashAsync()
    {
        var id = await Outbox.SendAsync(Message());
        await QueuedEmailIdsAsync();
        var record = (await Store.GetAsync(id))!;
        record.Status = EmailStatus.Sending;
        record.SendingStartedAt = Time.GetUtcNow();
        Assert.True(await Store.TryUpdateAsync(record));
        return id;
    }

    public int SendCount(string emailId) =>
        Sender.Invocations.Count(i => i.Method.Name == nameof(IEmailSender.SendAsync) && (string)i.Arguments[0] == emailId);

    public void Dispose() => _services.Dispose();
}
