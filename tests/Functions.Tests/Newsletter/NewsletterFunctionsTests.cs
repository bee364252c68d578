using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microstructures.Core.Newsletter;

namespace Microstructures.Functions.Tests.Newsletter;

// The newsletter through the DevHost and the real worker: HTTP in, the real SendGrid client against
// the DevHost's sink out. Tests share the class' storage account and keep apart by unique addresses;
// the campaign test is the only one that sends an issue (one campaign per month and account).
public sealed class NewsletterFunctionsTests(NewsletterHost app) : IClassFixture<NewsletterHost>
{
    [Fact]
    public async Task ASubscriptionIsConfirmedOnlyByThePagesButtonAndItsLinkExpires()
    {
        var email = NewsletterHost.Mail("optin");
        var confirmation = await app.SubscribeAsync(email);
        Assert.Equal($"<{NewsletterHost.Link(confirmation, NewsletterLinks.UnsubscribePath)}>", confirmation.GetProperty("headers").GetProperty("List-Unsubscribe").GetString());
        Assert.Equal("List-Unsubscribe=One-Click", confirmation.GetProperty("headers").GetProperty("List-Unsubscribe-Post").GetString());
        var confirm = NewsletterHost.Local(NewsletterHost.Link(confirmation, NewsletterLinks.ConfirmPath));
        using var client = app.CreateClient();

        // Opening the link (as a link scanner does) shows the button and confirms nothing.
        var page = await client.GetStringAsync(confirm);
        Assert.Contains("Confirmer mon abonnement", page, StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Pending, await app.StatusAsync(email));

        using var pressed = await client.PostAsync(confirm, null);
        Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        Assert.Contains("Votre abonnement est confirmé", await pressed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Active, await app.StatusAsync(email));
        Assert.Equal(2, (await app.WaitForEmailsAsync(email, 2)).Length); // the welcome e-mail

        // A link issued eight days ago (validity: seven) confirms nothing.
        var late = NewsletterHost.Mail("tardif");
        await app.SubscribeAsync(late);
        var id = app.Services.Get<SubscriberIds>().For(late);
        var expired = $"{NewsletterLinks.ConfirmPath}?token={Uri.EscapeDataString(app.Services.Get<NewsletterTokens>().Confirmation(id, DateTimeOffset.UtcNow.AddDays(-8)))}";
        using var refused = await client.PostAsync(expired, null);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Contains("a expiré", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Pending, await app.StatusAsync(late));
    }

    [Fact]
    public async Task TheOneClickPostUnsubscribesAndOpeningTheLinkDoesNot()
    {
        var email = NewsletterHost.Mail("unclic");
        var confirmation = await app.SubscribeAsync(email);
        using var client = app.CreateClient();
        (await client.PostAsync(NewsletterHost.Local(NewsletterHost.Link(confirmation, NewsletterLinks.ConfirmPath)), null)).EnsureSuccessStatusCode();
        var unsubscribe = NewsletterHost.Local(NewsletterHost.Link(confirmation, NewsletterLinks.UnsubscribePath));

        var page = await client.GetStringAsync(unsubscribe);
        Assert.Contains("Me désabonner", page, StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Active, await app.StatusAsync(email));

        // RFC 8058: the mail client POSTs this body to the List-Unsubscribe address, nothing else.
        using var oneClick = await client.PostAsync(unsubscribe, new StringContent("List-Unsubscribe=One-Click", Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Equal(SubscriberStatus.Unsubscribed, await app.StatusAsync(email));

        // A forged token unsubscribes nobody, and a malformed body is never a 5xx.
        using var forged = await client.PostAsync(NewsletterLinks.UnsubscribePath + "?token=faux", new StringContent("List-Unsubscribe=One-Click", Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        using var malformed = new StringContent("--x\r\nnot multipart");
        malformed.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=y");
        using var garbage = await client.PostAsync(unsubscribe, malformed);
        Assert.True((int)garbage.StatusCode < 500, garbage.StatusCode.ToString());
    }

    [Fact]
    public async Task TheSubscribeFormAnswersTheSameForAnyAddressAndNamesItsErrors()
    {
        using var client = app.CreateClient();
        using var refused = await client.PostAsync(NewsletterLinks.SubscribePath, new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "pas-une-adresse" }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains(NewsletterMessages.EmailInvalid, html, StringComparison.Ordinal);
        Assert.Contains("Cochez la case", html, StringComparison.Ordinal);

        var email = NewsletterHost.Mail("formulaire");
        var answers = new List<string?>();
        for (var i = 0; i < 2; i++)
        {
            using var sent = await client.PostAsync(NewsletterLinks.SubscribePath, new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = email, ["consent"] = "on" }));
            Assert.Equal(HttpStatusCode.SeeOther, sent.StatusCode);
            answers.Add(sent.Headers.Location?.ToString());
        }
        Assert.Single(answers.Distinct());
        Assert.Contains(NewsletterMessages.RequestReceived.Replace("'", "&#x27;", StringComparison.Ordinal)[..40], await client.GetStringAsync(answers[0]), StringComparison.Ordinal);
        Assert.Single(await app.WaitForEmailsAsync(email));
    }

    [Fact]
    public async Task AWebhookWithABadSignatureIsRefusedAndChangesNothing()
    {
        var email = NewsletterHost.Mail("signature");
        var confirmation = await app.SubscribeAsync(email);
        using var client = app.CreateClient();
        (await client.PostAsync(NewsletterHost.Local(NewsletterHost.Link(confirmation, NewsletterLinks.ConfirmPath)), null)).EnsureSuccessStatusCode();
        object[] spam = [new { @event = "spamreport", email, timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() }];

        using var forged = await app.PostEventsAsync(spam, forged: true);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(SubscriberStatus.Active, await app.StatusAsync(email));

        using var signed = await app.PostEventsAsync(spam);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(SubscriberStatus.Complained, await app.StatusAsync(email));
    }

    [Fact]
    public async Task TheRegistrationFormsNewsletterBoxSendsAConfirmationRequestOnce()
    {
        var eventId = await Registrations.RegistrationTestKit.CreateEventAsync(app, capacity: 10);
        var (ticked, unticked) = (NewsletterHost.Mail("coche"), NewsletterHost.Mail("sanscase"));
        using var client = app.CreateClient();
        foreach (var (email, optIn) in new[] { (ticked, true), (unticked, false) })
        {
            using var response = await client.PostAsJsonAsync($"/api/events/{eventId}/registrations", new
            {
                firstName = "Camille", lastName = "Exemple", email, profession = "medecin-generaliste", organisation = "Cabinet du Parc",
                region = "Grand Est", newsletterOptIn = optIn,
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var emails = await app.WaitForEmailsAsync(ticked, 2);
        var request = Assert.Single(emails, m => m.GetProperty("subject").GetString()!.StartsWith("Confirmez votre abonnement", StringComparison.Ordinal));
        Assert.NotNull(NewsletterHost.Link(request, NewsletterLinks.ConfirmPath));
        Assert.Equal(SubscriberStatus.Pending, await app.StatusAsync(ticked));
        Assert.Single(await app.WaitForEmailsAsync(unticked));
        Assert.Null(await app.StatusAsync(unticked));
    }

    // The issue's acceptance scenario, with a provider 429 on the first batch call and a bounced address.
    [Fact]
    public async Task TheMonthlyTimerSendsTheReadyIssueOnceToEachActiveSubscriber()
    {
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var (kept, left, pending) = (NewsletterHost.Mail("reste"), NewsletterHost.Mail("parti"), NewsletterHost.Mail("attente"));
        foreach (var email in new[] { kept, left })
        {
            var confirmation = await app.SubscribeAsync(email);
            (await client.PostAsync(NewsletterHost.Local(NewsletterHost.Link(confirmation, NewsletterLinks.ConfirmPath)), null)).EnsureSuccessStatusCode();
            await app.WaitForEmailsAsync(email, 2);
        }
        await app.SubscribeAsync(pending);
        var leftLink = NewsletterHost.Local(NewsletterHost.Link((await app.OutboxAsync(left))[0], NewsletterLinks.UnsubscribePath));
        (await client.PostAsync(leftLink, new StringContent("List-Unsubscribe=One-Click", Encoding.ASCII, "application/x-www-form-urlencoded"))).EnsureSuccessStatusCode();
        // Professional contacts imported by the staff; one of them then bounces.
        var (imported, bounced) = (NewsletterHost.Mail("importe"), NewsletterHost.Mail("rebond"));
        using (var import = await staff.PostAsync("/api/manage/newsletter/subscribers/import?source=Annuaire%20test",
            new ByteArrayContent(Encoding.UTF8.GetBytes($"Nom;E-mail\nA;{imported}\nB;{bounced}\n"))))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }
        (await app.PostEventsAsync([new { @event = "bounce", type = "bounce", email = bounced, reason = "550 unknown user" }])).EnsureSuccessStatusCode();

        var month = NewsletterMonth.Of(DateTimeOffset.UtcNow).ToString();
        var subject = "Les nouvelles " + Guid.NewGuid().ToString("N")[..6];
        (await staff.PutAsJsonAsync($"/api/manage/newsletter/issues/{month}", new { subject, body = "## Au sommaire\n\nLes réseaux se réunissent à **Metz**." })).EnsureSuccessStatusCode();
        (await staff.PostAsync($"/api/manage/newsletter/issues/{month}/ready", null)).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/_devhost/sink/faults", new { status = 429, count = 1 })).EnsureSuccessStatusCode();

        var run = await app.RunFunctionAsync("MonthlyNewsletterTimer");
        Assert.True(run.GetProperty("succeeded").GetBoolean(), run.ToString());

        foreach (var email in new[] { kept, imported })
        {
            var issue = Assert.Single((await WaitForSubjectAsync(email, subject)));
            var headers = issue.GetProperty("headers");
            Assert.Equal($"<{NewsletterHost.Link(issue, NewsletterLinks.UnsubscribePath)}>", headers.GetProperty("List-Unsubscribe").GetString());
            Assert.Equal("List-Unsubscribe=One-Click", headers.GetProperty("List-Unsubscribe-Post").GetString());
        }
        var progress = await WaitForProgressAsync(staff, month, p => p.GetProperty("status").GetString() == "Sent");
        // Active subscribers of the other tests of the class got it too; nobody is left pending or failed.
        Assert.True(progress.GetProperty("sent").GetInt32() >= 2, progress.ToString());
        Assert.Equal(0, progress.GetProperty("pending").GetInt32());
        Assert.Equal(0, progress.GetProperty("failed").GetInt32());

        var again = await app.RunFunctionAsync("MonthlyNewsletterTimer");
        Assert.True(again.GetProperty("succeeded").GetBoolean());
        foreach (var email in new[] { kept, imported })
        {
            Assert.Single(await Newsletters(email, subject));
        }
        foreach (var email in new[] { left, pending, bounced })
        {
            Assert.Empty(await Newsletters(email, subject));
        }
        var archive = await client.GetStringAsync(NewsletterLinks.ArchivePath);
        Assert.Contains(subject, archive, StringComparison.Ordinal);
        Assert.Contains("<strong>Metz</strong>", await client.GetStringAsync($"{NewsletterLinks.ArchivePath}/{month}"), StringComparison.Ordinal);
    }

    private async Task<JsonElement[]> Newsletters(string email, string subject) =>
        (await app.OutboxAsync(email)).Where(m => m.GetProperty("subject").GetString() == subject).ToArray();

    private async Task<JsonElement[]> WaitForSubjectAsync(string email, string subject)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement[] found;
        do
        {
            found = await Newsletters(email, subject);
            if (found.Length > 0)
            {
                return found;
            }
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        return found;
    }

    private static async Task<JsonElement> WaitForProgressAsync(HttpClient staff, string month, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement progress;
        do
        {
            progress = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/newsletter/issues/{month}/campaign");
            if (done(progress))
            {
                return progress;
            }
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        return progress;
    }
}
