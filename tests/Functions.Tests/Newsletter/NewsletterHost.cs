using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microstructures.Core.Newsletter;

namespace Microstructures.Functions.Tests.Newsletter;

// The app under the DevHost for the newsletter: the send time is the 1st of the month at 00:00 in
// Paris (always past, so the timer sends when run), failed queue messages come back at once, and the
// Event Webhook checks signatures against a key pair the tests hold.
public class NewsletterHost : FunctionsHost
{
    // One key pair for the test run (an ECDsa held statically is never disposed: nothing to leak per fixture).
    private static readonly ECDsa WebhookKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public NewsletterHost()
        : this(new Dictionary<string, string>())
    {
    }

    // A host of a test class that needs more settings (they win over these).
    protected NewsletterHost(IReadOnlyDictionary<string, string> more)
    {
        ArgumentNullException.ThrowIfNull(more);
        var settings = new Dictionary<string, string>
        {
            ["Newsletter__SendDay"] = "1",
            ["Newsletter__SendHour"] = "0",
            ["SendGrid__WebhookPublicKey"] = Convert.ToBase64String(WebhookKey.ExportSubjectPublicKeyInfo()),
            ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:00",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        Settings = settings;
    }

    protected override IReadOnlyDictionary<string, string> Settings { get; }

    public static string Mail(string who) => $"{who}-{Guid.NewGuid():N}"[..(who.Length + 9)] + "@example.org";

    // Posts provider events to the Event Webhook, signed with the key the app trusts (or another).
    public async Task<HttpResponseMessage> PostEventsAsync(object[] events, bool forged = false)
    {
        var body = JsonSerializer.Serialize(events);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var key = forged ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null;
        var signature = (key ?? WebhookKey).SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/email/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp);
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", Convert.ToBase64String(signature));
        return await client.SendAsync(request);
    }

    // Subscribes through the public API and returns the confirmation e-mail the sink received.
    public async Task<JsonElement> SubscribeAsync(string email)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/newsletter/subscriptions", new { email, consent = true });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return Assert.Single(await WaitForEmailsAsync(email));
    }

    public static string Link(JsonElement email, string path) =>
        email.GetProperty("links").EnumerateArray().Select(l => l.GetString()!).First(l => new Uri(l).AbsolutePath == path);

    // The path and query of a link in an e-mail (its host is App__PublicBaseUrl, not the DevHost).
    public static string Local(string link) => new Uri(link).PathAndQuery;

    public async Task<SubscriberStatus?> StatusAsync(string email)
    {
        var row = await Services.Get<SubscriberStore>().GetAsync(Services.Get<SubscriberIds>().For(email));
        return row?.StatusValue();
    }
}
