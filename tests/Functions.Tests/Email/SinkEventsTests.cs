using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microstructures.Core.Email;
using Microstructures.Core.Newsletter;
using Microstructures.Functions.Tests.Newsletter;

namespace Microstructures.Functions.Tests.Email;

// The app trusts the DevHost's own webhook key, as ./run.sh sets it up (local.settings.sample.json).
public sealed class SinkEventsHost() : NewsletterHost(new Dictionary<string, string> { ["SendGrid__WebhookPublicKey"] = "devhost-sink" });

// The DevHost's sink plays SendGrid's signed Event Webhook for an e-mail it stored, through the real worker.
public sealed class SinkEventsTests(SinkEventsHost app) : IClassFixture<SinkEventsHost>
{
    private async Task<(string Email, JsonElement Confirmation)> ActiveSubscriberAsync(string who)
    {
        var email = NewsletterHost.Mail(who);
        var confirmation = await app.SubscribeAsync(email);
        using var client = app.CreateClient();
        (await client.PostAsync(NewsletterHost.Local(NewsletterHost.Link(confirmation, NewsletterLinks.ConfirmPath)), null)).EnsureSuccessStatusCode();
        Assert.Equal(SubscriberStatus.Active, await app.StatusAsync(email));
        return (email, confirmation);
    }

    [Fact]
    public async Task ABounceTheSinkPostsForAStoredEmailSuppressesTheAddressAndNotesTheEmail()
    {
        var (email, confirmation) = await ActiveSubscriberAsync("rebond");
        var emailId = confirmation.GetProperty("customArgs").GetProperty(SendGridEmailSender.EmailIdArg).GetString()!;
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/_devhost/sink/events", new { messageId = confirmation.GetProperty("id").GetString(), @event = "bounce" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(200, answer.GetProperty("appStatus").GetInt32());
        var posted = Assert.Single(answer.GetProperty("events").EnumerateArray());
        Assert.Equal(email, posted.GetProperty("email").GetString());
        Assert.Equal("bounce", posted.GetProperty("type").GetString());
        Assert.Equal(1, answer.GetProperty("appAnswer").GetProperty("noted").GetInt32());
        Assert.Equal(SubscriberStatus.Bounced, await app.StatusAsync(email));
        var suppression = await app.Services.Get<SuppressionStore>().GetAsync(app.Services.Get<SubscriberIds>().For(email));
        Assert.Equal(SuppressionReason.Bounced, suppression?.ReasonValue());
        Assert.StartsWith("bounce: ", (await app.Services.Get<EmailStore>().GetAsync(emailId))?.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOutboxPagesSpamReportButtonPostsTheEventAndComesBackToTheMessage()
    {
        var (email, confirmation) = await ActiveSubscriberAsync("signalement");
        var id = confirmation.GetProperty("id").GetString()!;
        using var client = app.CreateClient();
        var page = await client.GetStringAsync("/_devhost/outbox/page?id=" + Uri.EscapeDataString(id));
        Assert.Contains("action=\"/_devhost/sink/events\"", page, StringComparison.Ordinal);
        Assert.Contains("name=\"event\" value=\"spamreport\"", page, StringComparison.Ordinal);

        using var response = await client.PostAsync("/_devhost/sink/events", new FormUrlEncodedContent(new Dictionary<string, string> { ["messageId"] = id, ["event"] = "spamreport" }));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var back = response.Headers.Location!.ToString();
        Assert.Contains("status=200", back, StringComparison.Ordinal);
        Assert.Contains("l’application a répondu 200 (accepté)", await client.GetStringAsync(back), StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Complained, await app.StatusAsync(email));
    }

    [Fact]
    public async Task AnUnknownMessageOrEventIsRefused()
    {
        using var client = app.CreateClient();

        using var unknown = await client.PostAsJsonAsync("/_devhost/sink/events", new { messageId = "nope", @event = "bounce" });
        using var badEvent = await client.PostAsJsonAsync("/_devhost/sink/events", new { messageId = "nope", @event = "open" });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badEvent.StatusCode);
    }
}
