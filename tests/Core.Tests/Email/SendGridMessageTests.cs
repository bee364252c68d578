using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microstructures.Core.Email;

namespace Microstructures.Core.Tests.Email;

public sealed class SendGridMessageTests
{
    [Fact]
    public void TrackingIsOffAndTheEmailIdTravelsAsACustomArg()
    {
        var mail = SendGridEmailSender.ToSendGridMessage("abc123", EmailHarness.Message(), new EmailOptions { FromAddress = "no-reply@example.org", FromName = "CNRMS" });

        using var json = JsonDocument.Parse(mail.Serialize());
        var tracking = json.RootElement.GetProperty("tracking_settings");

        Assert.False(tracking.GetProperty("click_tracking").GetProperty("enable").GetBoolean());
        Assert.False(tracking.GetProperty("open_tracking").GetProperty("enable").GetBoolean());
        Assert.False(tracking.GetProperty("subscription_tracking").GetProperty("enable").GetBoolean());
        Assert.Equal("abc123", json.RootElement.GetProperty("personalizations")[0].GetProperty("custom_args").GetProperty("email_id").GetString());
        Assert.Equal("invitation.ics", json.RootElement.GetProperty("attachments")[0].GetProperty("filename").GetString());
    }

    // Whatever a subject or a name was built from (an event title saved before titles were checked),
    // it reaches the provider on one line: a CR/LF never starts a header of its own.
    [Fact]
    public void NoSubjectNameOrHeaderReachesTheProviderOnMoreThanOneLine()
    {
        var message = EmailHarness.Message() with
        {
            Subject = "Inscription confirmée — Journée\r\nBcc: tous@example.org",
            ToName = "Camille\nExemple",
            Headers = new Dictionary<string, string> { ["X-Test"] = "a\r\nb" },
        };
        var options = new EmailOptions { FromAddress = "no-reply@example.org", FromName = "CNRMS\r\nX: y" };

        using var single = JsonDocument.Parse(SendGridEmailSender.ToSendGridMessage("abc123", message, options).Serialize());
        using var batch = JsonDocument.Parse(SendGridEmailSender.ToSendGridBatch(new EmailBatch
        {
            Subject = message.Subject, Html = "<p>x</p>", Text = "x", Category = "newsletter",
            Headers = new Dictionary<string, string> { ["X-Test"] = "a\nb" },
            Recipients = [new EmailBatchRecipient { To = "a@example.org", Headers = new Dictionary<string, string> { ["List-Unsubscribe"] = "<https://example.org/u>\r\nBcc: x" } }],
        }, options).Serialize());

        static IEnumerable<string> HeaderTexts(JsonElement mail) =>
            new[] { mail.GetProperty("subject").GetString()!, mail.GetProperty("from").GetProperty("name").GetString()! }
                .Concat(mail.TryGetProperty("headers", out var headers) ? headers.EnumerateObject().Select(h => h.Value.GetString()!) : [])
                .Concat(mail.GetProperty("personalizations").EnumerateArray().SelectMany(p =>
                    p.GetProperty("to").EnumerateArray().Select(t => t.TryGetProperty("name", out var name) ? name.GetString()! : "")
                        .Concat(p.TryGetProperty("headers", out var h) ? h.EnumerateObject().Select(v => v.Value.GetString()!) : [])));

        foreach (var text in HeaderTexts(single.RootElement).Concat(HeaderTexts(batch.RootElement)))
        {
            Assert.False(text.Any(char.IsControl), $"'{text}' holds a control character");
        }
        Assert.Equal("Inscription confirmée — Journée Bcc: tous@example.org", single.RootElement.GetProperty("subject").GetString());
        Assert.Equal("Camille Exemple", single.RootElement.GetProperty("personalizations")[0].GetProperty("to")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void WebhookSignatureIsVerifiedWithThePublicKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
        const string Body = "[{\"event\":\"processed\",\"email_id\":\"abc\"}]";
        const string Timestamp = "1764061200";
        var signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(Timestamp + Body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        Assert.True(EmailEventReconciler.VerifySignature(publicKey, Timestamp, Body, signature));
        Assert.False(EmailEventReconciler.VerifySignature(publicKey, Timestamp, Body.Replace("abc", "abd", StringComparison.Ordinal), signature));
        Assert.False(EmailEventReconciler.VerifySignature(publicKey, "1764061201", Body, signature));
        Assert.False(EmailEventReconciler.VerifySignature(publicKey, Timestamp, Body, "not-base64!"));
    }

    [Fact]
    public void ABatchIsOneRequestWithAPersonalizationPerRecipient()
    {
        var batch = new EmailBatch
        {
            Subject = "Lettre de mars",
            Html = "<p>Bonjour</p><a href=\"%%u%%\">Se désabonner</a>",
            Text = "Bonjour\nSe désabonner : %%u%%",
            Category = "newsletter",
            Headers = new Dictionary<string, string> { ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click" },
            CustomArgs = new Dictionary<string, string> { ["nl_campaign"] = "2026-03" },
            Recipients = new[] { "a@example.org", "b@example.org" }.Select(to => new EmailBatchRecipient
            {
                To = to,
                Substitutions = new Dictionary<string, string> { ["%%u%%"] = "https://plateforme.example.org/u?token=" + to[0] },
                Headers = new Dictionary<string, string> { ["List-Unsubscribe"] = "<https://plateforme.example.org/u?token=" + to[0] + ">" },
                CustomArgs = new Dictionary<string, string> { ["nl_delivery"] = "d-" + to[0] },
            }).ToList(),
        };

        using var json = JsonDocument.Parse(SendGridEmailSender.ToSendGridBatch(batch, new EmailOptions { FromAddress = "lettre@example.org", FromName = "CNRMS" }).Serialize());
        var root = json.RootElement;
        var personalizations = root.GetProperty("personalizations");

        Assert.Equal(2, personalizations.GetArrayLength());
        var second = personalizations[1];
        Assert.Equal("b@example.org", Assert.Single(second.GetProperty("to").EnumerateArray()).GetProperty("email").GetString());
        Assert.Equal("https://plateforme.example.org/u?token=b", second.GetProperty("substitutions").GetProperty("%%u%%").GetString());
        Assert.Equal("<https://plateforme.example.org/u?token=b>", second.GetProperty("headers").GetProperty("List-Unsubscribe").GetString());
        Assert.Equal("d-b", second.GetProperty("custom_args").GetProperty("nl_delivery").GetString());
        Assert.Equal("List-Unsubscribe=One-Click", root.GetProperty("headers").GetProperty("List-Unsubscribe-Post").GetString());
        Assert.Equal("2026-03", root.GetProperty("custom_args").GetProperty("nl_campaign").GetString());
        Assert.Equal("Lettre de mars", root.GetProperty("subject").GetString());
        Assert.False(root.GetProperty("tracking_settings").GetProperty("click_tracking").GetProperty("enable").GetBoolean());
        Assert.False(root.GetProperty("tracking_settings").GetProperty("subscription_tracking").GetProperty("enable").GetBoolean());
    }

    [Fact]
    public void ABatchRefusesWhatSendGridRefuses()
    {
        static EmailBatch Batch(params string[] to) => new()
        {
            Subject = "s",
            Html = "h",
            Text = "t",
            Recipients = to.Select(a => new EmailBatchRecipient { To = a }).ToList(),
        };
        var options = new EmailOptions { FromAddress = "lettre@example.org" };

        Assert.Throws<ArgumentException>(() => SendGridEmailSender.ToSendGridBatch(Batch("a@example.org", "A@example.org"), options));
        Assert.Throws<ArgumentException>(() => SendGridEmailSender.ToSendGridBatch(Batch(Enumerable.Range(0, EmailBatch.MaxRecipients + 1).Select(i => $"p{i}@example.org").ToArray()), options));
        Assert.Throws<ArgumentException>(() => SendGridEmailSender.ToSendGridBatch(Batch(), options));
    }

    [Fact]
    public void ProviderEventsKeepTheRecipientTheBounceTypeAndTheCustomArgs()
    {
        var events = EmailEventReconciler.ParseEvents(
            "[{\"event\":\"bounce\",\"type\":\"blocked\",\"email\":\"a@example.org\",\"reason\":\"550\",\"nl_delivery\":\"2026-03.0001.x\",\"timestamp\":1764061200}]").Value!;

        var e = Assert.Single(events);
        Assert.Equal(("bounce", "blocked", "a@example.org", "550"), (e.Event, e.Type, e.Email, e.Reason));
        Assert.Equal("2026-03.0001.x", e.Arg("nl_delivery"));
        Assert.Null(e.Arg("timestamp")); // not a string
        Assert.Null(e.Arg("missing"));
    }
}
