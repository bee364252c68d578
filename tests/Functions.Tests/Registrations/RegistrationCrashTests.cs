using System.Net;
using System.Net.Http.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Email;
using Microstructures.Core.Registrations;
using Microstructures.TestSupport;
using Moq;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

public sealed class RegistrationCrashTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task ACrashBetweenTheSeatWriteAndTheEmailDispatchStillYieldsTheConfirmation()
    {
        // Instance 1 takes the seat, then its queue (the dispatch step) fails as if the process died.
        var failingQueue = new Mock<QueueClient>();
        failingQueue.Setup(q => q.CreateIfNotExistsAsync(It.IsAny<IDictionary<string, string>>(), It.IsAny<CancellationToken>())).ReturnsAsync((Response)null!);
        failingQueue.Setup(q => q.SendMessageAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(new RequestFailedException(503, "Queue unavailable"));
        var queues = new Mock<QueueServiceClient>();
        queues.Setup(q => q.GetQueueClient(It.IsAny<string>())).Returns(failingQueue.Object);
        await using var crashing = new FunctionAppFactory(azurite);
        await using var crashingApp = crashing.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(queues.Object)));
        await using var survivor = crashing.SecondInstance();
        var eventId = await CreateEventAsync(survivor, capacity: 2);

        var service = crashingApp.Services.GetRequiredService<RegistrationService>();
        await Assert.ThrowsAsync<RequestFailedException>(() => service.RegisterAsync(eventId, new RegistrationInput
        {
            FirstName = "Lou", LastName = "Exemple", Email = "lou@example.org", Profession = "psychologue", Organisation = "Réseau Exemple", Region = "Occitanie",
        }));

        // The seat is taken, nothing is queued yet; another instance's sweeper finds the e-mail.
        using var client = survivor.CreateClient();
        var summary = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/events/{eventId}");
        Assert.Equal(1, summary.GetProperty("seatsLeft").GetInt32());
        var (record, message) = Assert.Single(await EmailsToAsync(survivor, "lou@example.org"));
        Assert.Equal("registration-confirmation", message.Category);
        Assert.DoesNotContain(record.EmailId, await QueuedEmailIdsAsync(survivor));

        survivor.Time.Advance(TimeSpan.FromMinutes(3));
        var report = await survivor.Services.GetRequiredService<PendingEmailSweeper>().SweepAsync();

        Assert.Equal(1, report.Queued);
        Assert.Contains(record.EmailId, await QueuedEmailIdsAsync(survivor));
    }

    [Fact]
    public async Task AnEmailPreparedForAnOutcomeThatNeverCommittedIsAbandonedNotSent()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        var outbox = factory.Services.GetRequiredService<EmailOutbox>();
        // What a writer that lost its race (or crashed before its transaction) leaves behind.
        var emailId = "reg-lost-race-confirmation";
        await outbox.PrepareAsync(new EmailMessage { To = "perdu@example.org", Subject = "x", Html = "x", Text = "x" }, RegistrationStore.Marker(eventId, emailId), emailId);

        factory.Time.Advance(TimeSpan.FromMinutes(30));
        var report = await factory.Services.GetRequiredService<PendingEmailSweeper>().SweepAsync();

        Assert.Equal(1, report.Abandoned);
        Assert.Equal(EmailStatus.Abandoned, (await factory.Services.GetRequiredService<EmailStore>().GetAsync(emailId))!.Status);
    }
}
