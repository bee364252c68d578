using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microstructures.DevHost.Configuration;

namespace Microstructures.DevHost.Sink;

// The provider's signed Event Webhook, played by the sink: builds SendGrid's event JSON for a stored
// message (one event per `to` recipient), signs it as SendGrid does (ECDSA P-256 over timestamp + body,
// DER, base64) and posts it to the app's /api/email/events through the DevHost's own HTTP front.
// The key pair is the DevHost's, made at start and never stored: when SendGrid__WebhookPublicKey is the
// marker "devhost-sink" (local.settings.sample.json), the DevHost replaces it by the public half before
// the worker starts, so the app trusts the sink's events and no private key sits in the repository.
internal sealed class SinkEvents : IDisposable
{
    public const string PublicKeySetting = "SendGrid__WebhookPublicKey";
    public const string DevHostKeyMarker = "devhost-sink";
    public const string EventsPath = "api/email/events";

    public static readonly IReadOnlyList<string> Kinds = ["processed", "delivered", "bounce", "spamreport", "unsubscribe"];

    // Top-level fields of a SendGrid event a custom arg never overrides.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "email", "timestamp", "event", "sg_event_id", "sg_message_id", "smtp-id", "category", "type", "reason", "status", "response",
    };

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(100) };
    private string? _appPublicKey;

    // Base64 SubjectPublicKeyInfo, the format of SendGrid__WebhookPublicKey.
    public string PublicKey => Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());

    // A key pair for this DevHost run; the marker setting becomes its public half (what the worker gets).
    public static SinkEvents Create(LocalSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var events = new SinkEvents();
        if (string.Equals(settings.Get(PublicKeySetting)?.Trim(), DevHostKeyMarker, StringComparison.Ordinal))
        {
            settings.Override(PublicKeySetting, events.PublicKey);
        }
        events._appPublicKey = settings.Get(PublicKeySetting);
        return events;
    }

    // Why the app would refuse the sink's events (in French, for the person running the DevHost), or null.
    public string? Unavailable() => string.Equals(_appPublicKey?.Trim(), PublicKey, StringComparison.Ordinal)
        ? null
        : $"L’application ne vérifie pas les événements avec la clé du DevHost : mettez {PublicKeySetting} à « {DevHostKeyMarker} » dans local.settings.json (comme local.settings.sample.json), puis relancez le DevHost.";

    public static JsonArray Build(OutboxMessage message, string kind, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        var events = new JsonArray();
        var index = 0;
        foreach (var to in message.To)
        {
            var e = new JsonObject
            {
                ["email"] = to.Email,
                ["timestamp"] = now.ToUnixTimeSeconds(),
                ["event"] = kind,
                ["sg_event_id"] = "devhost-" + Guid.NewGuid().ToString("N"),
                ["sg_message_id"] = $"{message.SgMessageId}.devhost.{index++}",
                ["smtp-id"] = $"<{message.SgMessageId}@devhost.example.org>",
            };
            if (message.Categories.Count > 0)
            {
                e["category"] = new JsonArray(message.Categories.Select(c => (JsonNode)c!).ToArray());
            }
            switch (kind)
            {
                case "bounce":
                    e["type"] = "bounce";
                    e["status"] = "5.1.1";
                    e["reason"] = "550 5.1.1 The email account that you tried to reach does not exist (DevHost)";
                    break;
                case "delivered":
                    e["response"] = "250 OK (DevHost)";
                    break;
            }
            foreach (var (name, value) in message.CustomArgs)
            {
                if (!Reserved.Contains(name))
                {
                    e[name] = value;
                }
            }
            events.Add(e);
        }
        return events;
    }

    public async Task<(int Status, string Body, JsonArray Events)> PostAsync(Uri baseUrl, OutboxMessage message, string kind, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var events = Build(message, kind, now);
        var body = events.ToJsonString();
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = _key.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, EventsPath))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp);
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", Convert.ToBase64String(signature));
        using var response = await _http.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken), events);
    }

    public void Dispose()
    {
        _http.Dispose();
        _key.Dispose();
    }
}
