using System.Text.Json;
using Microstructures.Core.Email;
using Microstructures.Core.Storage;

namespace Microstructures.Functions.Tests.Hosting;

// Queue and timer functions under the host: their exceptions reach the host (a failed invocation, then
// retries, then the -poison queue); a successful run completes.
public sealed class QueueAndTimerHostTests(ImmediateRetryHost app) : IClassFixture<ImmediateRetryHost>
{
    [Theory]
    [InlineData("SweepPendingEmails")]
    [InlineData("SweepRegistrationEmails")]
    [InlineData("RemindAttendees")]
    [InlineData("PurgeRegistrations")]
    [InlineData("RequeueStaleSubmissions")]
    public async Task EveryTimerRunsToSuccessWhenRunByHand(string name)
    {
        var outcome = await app.RunFunctionAsync(name);

        Assert.True(outcome.GetProperty("succeeded").GetBoolean(), outcome.ToString());
    }

    [Fact]
    public async Task AMessageTheFunctionCannotReadFailsTheInvocation()
    {
        var outcome = await app.RunFunctionAsync("SendEmail", "hello");

        Assert.False(outcome.GetProperty("succeeded").GetBoolean());
    }

    [Fact]
    public async Task AnUnreadableQueueMessageIsRetriedThenPoisoned()
    {
        var queue = await app.Services.Get<StorageInitializer>().QueueAsync(EmailOutbox.QueueName);
        var poison = await app.Services.Get<StorageInitializer>().QueueAsync(EmailOutbox.QueueName + "-poison");
        await queue.SendMessageAsync("pas un message d'e-mail");

        var deadline = DateTime.UtcNow.AddSeconds(90);
        var poisoned = Array.Empty<Azure.Storage.Queues.Models.PeekedMessage>();
        while (poisoned.Length == 0 && DateTime.UtcNow < deadline)
        {
            poisoned = (await poison.PeekMessagesAsync(32)).Value;
            await Task.Delay(250);
        }

        Assert.Contains(poisoned, m => m.Body.ToString() == "pas un message d'e-mail");
    }

    [Fact]
    public async Task TheSameOutboundEmailMessageTwiceSendsOneEmail()
    {
        var to = RegistrationsMail();
        using var staff = app.CreateStaffClient();
        using var response = await staff.PostAsync("/api/manage/email/test", JsonContent(new { to }));
        var emailId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("emailId").GetString()!;
        Assert.Single(await app.WaitForEmailsAsync(to));

        // Run by hand and waited for: a second send would be in the sink when it returns.
        var again = await app.RunFunctionAsync("SendEmail", JsonSerializer.Serialize(new { emailId }));

        Assert.True(again.GetProperty("succeeded").GetBoolean());
        Assert.Single(await app.OutboxAsync(to));
    }

    private static string RegistrationsMail() => Registrations.RegistrationTestKit.Mail("doublon");

    private static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");
}
