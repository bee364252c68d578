using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;

namespace Microstructures.Core.Email;

public sealed record ProviderEvent(
    [property: JsonPropertyName("event")] string? Event,
    [property: JsonPropertyName(SendGridEmailSender.EmailIdArg)] string? EmailId,
    [property: JsonPropertyName("sg_message_id")] string? ProviderMessageId,
    [property: JsonPropertyName("reason")] string? Reason)
{
    // SendGrid's unique id of this event: what makes a payload posted twice apply once.
    [JsonPropertyName("sg_event_id")]
    public string? ProviderEventId { get; init; }

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

public sealed record ReconcileReport(int Settled, int Noted, int Ignored, int Replayed = 0);

// Applies SendGrid Event Webhook events: "processed" proves the provider accepted an e-mail, which
// settles one left "sending" by a crash (so it is not sent twice); drops and bounces are noted.
// Then every event goes to the features' handlers (IProviderEventHandler: the newsletter's deliveries).
// An event whose sg_event_id was applied already (a replayed payload, SendGrid's retry) is skipped, and an
// e-mail's state only moves forward (a settled e-mail is never unsettled).
public sealed class EmailEventReconciler(EmailStore store, TimeProvider time, ILogger<EmailEventReconciler> logger, IEnumerable<IProviderEventHandler> handlers)
{
    public async Task<ReconcileReport> ApplyAsync(IReadOnlyList<ProviderEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        int settled = 0, noted = 0, ignored = 0, replayed = 0;
        var fresh = new List<ProviderEvent>(events.Count);
        foreach (var e in events)
        {
            if (e.ProviderEventId is { Length: > 0 } eventId && await store.ProviderEventAppliedAsync(eventId, cancellationToken))
            {
                replayed++;
            }
            else
            {
                fresh.Add(e);
            }
        }
        foreach (var e in fresh)
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
            await handler.HandleAsync(fresh, cancellationToken);
        }
        foreach (var e in fresh)
        {
            if (e.ProviderEventId is { Length: > 0 } eventId)
            {
                await store.RecordProviderEventAsync(eventId, cancellationToken);
            }
        }
        if (replayed > 0)
        {
            logger.LogInformation("Provider events: {Replayed} applied already, skipped", replayed);
        }
        return new ReconcileReport(settled, noted, ignored, replayed);
    }

    public const int MaxProviderEventIdLength = 200;

    // A JSON array of event objects, each field of the type SendGrid sends and every key the app will
    // look up valid (email_id is a table key): anything else is refused whole, naming the event and the
    // field ("[3].email_id"), before anything is applied.
    public static Result<IReadOnlyList<ProviderEvent>> ParseEvents(string body)
    {
        var errors = new ValidationErrors();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return errors.Add("body", "Le corps de la requête n'est pas du JSON valide.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return errors.Add("body", "Le corps de la requête doit être un tableau JSON d'événements.");
            }
            var events = new List<ProviderEvent>();
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                var at = $"[{index++}]";
                if (element.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(at, "Chaque événement doit être un objet JSON.");
                    continue;
                }
                foreach (var name in new[] { "event", SendGridEmailSender.EmailIdArg, "sg_event_id", "sg_message_id", "reason", "email", "type" })
                {
                    if (element.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    {
                        errors.Add($"{at}.{name}", $"Le champ « {name} » doit être une chaîne de caractères.");
                    }
                }
                if (element.TryGetProperty(SendGridEmailSender.EmailIdArg, out var emailId) && emailId.ValueKind == JsonValueKind.String && !EmailIds.IsValid(emailId.GetString()))
                {
                    errors.Add($"{at}.{SendGridEmailSender.EmailIdArg}", "Identifiant d'e-mail non valide : lettres ASCII, chiffres, « - », « _ » et « . » seulement, 200 caractères au plus.");
                }
                if (element.TryGetProperty("sg_event_id", out var eventId) && eventId.ValueKind == JsonValueKind.String && eventId.GetString()!.Length is 0 or > MaxProviderEventIdLength)
                {
                    errors.Add($"{at}.sg_event_id", $"L'identifiant d'événement doit compter de 1 à {MaxProviderEventIdLength} caractères.");
                }
                if (errors.IsEmpty)
                {
                    events.Add(element.Deserialize<ProviderEvent>()!);
                }
            }
            return errors.IsEmpty ? Result<IReadOnlyList<ProviderEvent>>.Success(events) : errors;
        }
    }

    // The signed timestamp (Unix seconds) is recent enough: not older than maxAge, not ahead by more than
    // the clock skew allowed. A payload outside is refused even with a valid signature.
    public static bool IsWithinWindow(string? timestamp, DateTimeOffset now, TimeSpan maxAge)
    {
        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }
        var at = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return at <= now + SendGridOptions.WebhookClockSkew && at >= now - maxAge;
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
