using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microstructures.Core.Email;

namespace Microstructures.Functions.Tests.Email;

// The signed SendGrid Event Webhook through the worker: the shape and the keys of a signed body are
// checked (400 naming the event and the field, never a 500), the signed timestamp must be recent, and a
// payload posted again (a replay, or SendGrid's own retry) is applied once.
public sealed class EmailEventsTests(EmailEventsTests.SignedWebhookHost app) : IClassFixture<EmailEventsTests.SignedWebhookHost>
{
    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public sealed class SignedWebhookHost : FunctionsHost
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["SendGrid__WebhookPublicKey"] = Convert.ToBase64String(Key.ExportSubjectPublicKeyInfo()),
        };
    }

    private static HttpRequestMessage Signed(string body, DateTimeOffset? at = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(Key.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/email/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp);
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", signature);
        return request;
    }

    [Theory]
    [InlineData("[null]", "[0]")]
    [InlineData("[1]", "[0]")]
    [InlineData("{}", "body")]
    [InlineData("""[{"event":"processed","email_id":"a/b"}]""", "[0].email_id")]
    [InlineData("""[{"event":"processed","email_id":"ok"},{"event":"processed","email_id":"x#y?z"}]""", "[1].email_id")]
    [InlineData("""[{"event":"processed","email_id":7}]""", "[0].email_id")]
    [InlineData("""[{"event":["processed"],"email_id":"ok"}]""", "[0].event")]
    [InlineData("""[{"event":"processed","sg_event_id":{}}]""", "[0].sg_event_id")]
    public async Task ASignedBodyOfTheWrongShapeOrWithABadKeyIsA400NamingTheField(string body, string field)
    {
        using var client = app.CreateClient();

        var response = await client.SendAsync(Signed(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
    }

    [Fact]
    public async Task ASignedPayloadTooOldOrFromTheFutureIsRefusedAndARecentOneAccepted()
    {
        using var client = app.CreateClient();
        const string Body = """[{"event":"delivered","email_id":"inconnu","sg_event_id":"ev-fenetre"}]""";

        var old = await client.SendAsync(Signed(Body, DateTimeOffset.UtcNow.AddHours(-25)));
        var future = await client.SendAsync(Signed(Body, DateTimeOffset.UtcNow.AddMinutes(10)));
        var recent = await client.SendAsync(Signed(Body, DateTimeOffset.UtcNow.AddHours(-23)));

        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Equal("application/problem+json", old.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, future.StatusCode);
        Assert.Equal(HttpStatusCode.OK, recent.StatusCode);
    }

    [Fact]
    public async Task ASignedPayloadPostedAgainIsAppliedOnce()
    {
        var outbox = app.Services.Get<EmailOutbox>();
        var emailId = await outbox.PrepareAsync(new EmailMessage { To = "rejoue@example.org", Subject = "Test", Html = "<p>Test</p>", Text = "Test", Category = "test" });
        var body = $$"""[{"event":"dropped","reason":"Bounced Address","email_id":"{{emailId}}","sg_event_id":"ev-{{emailId}}"}]""";
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        using var client = app.CreateClient();

        var first = await (await client.SendAsync(Signed(body, at))).Content.ReadFromJsonAsync<JsonElement>();
        var replayed = await client.SendAsync(Signed(body, at));
        var replay = await replayed.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(1, first.GetProperty("noted").GetInt32());
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal(0, replay.GetProperty("noted").GetInt32());
        Assert.Equal(1, replay.GetProperty("replayed").GetInt32());
    }

    // A queued SendEmail message naming an id no e-mail can have (an invalid table key) is an unknown
    // e-mail: nothing to send, and nothing to retry until poisoned.
    [Fact]
    public async Task ASendEmailMessageWithAnInvalidIdIsDroppedNotRetried()
    {
        foreach (var emailId in new[] { "a/b", "x#y", "q?r", "back\\slash" })
        {
            var outcome = await app.RunFunctionAsync("SendEmail", JsonSerializer.Serialize(new { emailId }));

            Assert.True(outcome.GetProperty("succeeded").GetBoolean(), outcome.ToString());
        }
    }
}
