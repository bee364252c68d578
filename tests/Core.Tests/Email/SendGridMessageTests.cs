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
}
