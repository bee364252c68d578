using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace Microstructures.Core.Email;

public sealed record ProviderEvent(
    [property: JsonPropertyName("event")] string? Event,
    [property: JsonPropertyName(SendGridEmailSender.EmailIdArg)] string? EmailId,
    [property: JsonPropertyName("sg_message_id")] string? ProviderMessageId,
    [property: JsonPropertyName("reason")] string? Reason)
{
    // The recipient, and the bounce kind ("bounce" or "blocked"): what features acting on
    // bounces and complaints read (IProviderEventHandler).
    [JsonPropertyName("email")]
    public string? Email { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    // Every other field of the event, custom_args included (SendGrid puts them at the event's top level).
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }

    // A custom arg sent with the message (EmailBatchRecipient.CustomArgs), when it is a string.
    public string? Arg(string name) =>
        Other is not null && Other.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

public sealed record ReconcileReport(int Settled, int Noted, int Ignored);

// Applies SendGrid Event Webhook events: "processed" proves the provider accepted an e-mail, which
// settles one left "sending" by a crash (so it is not sent twice); drops and bounces are noted.
// Then every event goes to the features' handlers (IProviderEventHandler: the newsletter's deliveries).
public sealed class EmailEventReconciler(EmailStore store, TimeProvider time, ILogger<EmailEventReconciler> logger, IEnumerable<IProviderEventHandler> handlers)
{
    public async Task<ReconcileReport> ApplyAsync(IReadOnlyList<ProviderEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        int settled = 0, noted = 0, ignored = 0;
        foreach (var e in events)
        {
            if (e.EmailId is not { Length: > 0 } id || await store.GetAsync(id, cancellationToken) is not { } record)
            {
                ignored++;
                continue;
            }
            switch (e.Event)
            {
                case "processed" or "delivered" when !EmailStatus.IsSettled(record.Status):
                    record.Status = EmailStatus.Sent;
                    record.SettledAt = time.GetUtcNow();
                    record.ProviderMessageId ??= e.ProviderMessageId;
                    if (await store.TryUpdateAsync(record, cancellationToken))
                    {
                        await store.MarkSettledAsync(id, record.SettledAt, cancellationToken);
                        settled++;
                    }
                    break;
                case "dropped" or "bounce":
                    record.LastError = $"{e.Event}: {e.Reason}";
                    await store.TryUpdateAsync(record, cancellationToken);
                    logger.LogWarning("E-mail {EmailId} was {Event} by the provider: {Reason}", id, e.Event, e.Reason);
                    noted++;
                    break;
                default:
                    ignored++;
                    break;
            }
        }
        foreach (var handler in handlers)
        {
            await handler.HandleAsync(events, cancellationToken);
        }
        return new ReconcileReport(settled, noted, ignored);
    }

    public static IReadOnlyList<ProviderEvent>? Parse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<List<ProviderEvent>>(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // SendGrid's signed Event Webhook: ECDSA P-256 over timestamp + raw body, signature DER-encoded, base64.
    public static bool VerifySignature(string publicKeyBase64, string? timestamp, string body, string? signatureBase64)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureBase64))
        {
            return false;
        }
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKeyBase64), out _);
            var data = Encoding.UTF8.GetBytes(timestamp + body);
            return ecdsa.VerifyData(data, Convert.FromBase64String(signatureBase64), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (FormatException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
