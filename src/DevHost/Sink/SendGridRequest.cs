using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microstructures.DevHost.Sink;

internal sealed record SendGridError(string Message, string? Field);

// Parses a SendGrid v3 /mail/send body, rejects what SendGrid rejects, and expands personalizations.
internal static class SendGridRequest
{
    public const int MaxPersonalizations = 1000;

    public sealed record Parsed(IReadOnlyList<OutboxMessage> Messages, bool SandboxMode);

    public static (Parsed? Result, IReadOnlyList<SendGridError> Errors) Parse(string body, string sgMessageId, DateTimeOffset receivedAt)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return (null, [new SendGridError("Bad Request", null)]);
        }
        var errors = new List<SendGridError>();

        var personalizations = root["personalizations"] as JsonArray;
        if (personalizations is null || personalizations.Count == 0)
        {
            errors.Add(new("The personalizations field is required and must have at least one personalization.", "personalizations"));
            personalizations = [];
        }
        else if (personalizations.Count > MaxPersonalizations)
        {
            errors.Add(new($"The personalizations field must have {MaxPersonalizations} or fewer personalizations.", "personalizations"));
        }

        var from = ReadAddress(root["from"]);
        if (root["from"] is not JsonObject)
        {
            errors.Add(new("The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.", "from"));
        }
        else if (from is null)
        {
            errors.Add(new("The from object must contain a valid email address.", "from.email"));
        }

        var globalSubject = Str(root["subject"]);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var duplicateReported = false;
        for (var i = 0; i < personalizations.Count && i < MaxPersonalizations + 1; i++)
        {
            var p = personalizations[i] as JsonObject;
            var to = p?["to"] as JsonArray;
            if (to is null || to.Count == 0)
            {
                errors.Add(new("The to array is required for all personalization objects, and must have at least one email object with a valid email address.",
                    $"personalizations.{i}.to"));
            }
            if (string.IsNullOrEmpty(globalSubject) && string.IsNullOrEmpty(Str(p?["subject"])))
            {
                errors.Add(new("The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.",
                    "subject"));
            }
            foreach (var kind in new[] { "to", "cc", "bcc" })
            {
                if (p?[kind] is not JsonArray list)
                {
                    continue;
                }
                for (var j = 0; j < list.Count; j++)
                {
                    var address = ReadAddress(list[j]);
                    if (address is null)
                    {
                        errors.Add(new("Does not contain a valid address.", $"personalizations.{i}.{kind}.{j}.email"));
                    }
                    else if (!seen.Add(address.Email) && !duplicateReported)
                    {
                        duplicateReported = true;
                        errors.Add(new($"Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [{address.Email}] in the personalizations.{i}.{kind} field.",
                            $"personalizations.{i}.{kind}"));
                    }
                }
            }
        }

        var content = (root["content"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(c => (Type: Str(c["type"]) ?? "", Value: Str(c["value"]) ?? ""))
            .Where(c => c.Value.Length > 0)
            .ToList();
        if (content.Count == 0)
        {
            errors.Add(new("Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.",
                "content"));
        }

        var attachments = new List<OutboxAttachment>();
        if (root["attachments"] is JsonArray attachmentArray)
        {
            for (var i = 0; i < attachmentArray.Count; i++)
            {
                var a = attachmentArray[i] as JsonObject;
                var data = Str(a?["content"]);
                var filename = Str(a?["filename"]);
                if (string.IsNullOrEmpty(data))
                {
                    errors.Add(new("The attachment content is required.", $"attachments.{i}.content"));
                }
                else if (!IsBase64(data))
                {
                    errors.Add(new("The attachment content must be base64 encoded.", $"attachments.{i}.content"));
                }
                if (string.IsNullOrEmpty(filename))
                {
                    errors.Add(new("The attachment filename parameter is required.", $"attachments.{i}.filename"));
                }
                if (!string.IsNullOrEmpty(data) && !string.IsNullOrEmpty(filename))
                {
                    attachments.Add(new OutboxAttachment(filename, Str(a?["type"]), Str(a?["disposition"]), Str(a?["content_id"]), data));
                }
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var globalHeaders = ReadStringMap(root["headers"]);
        var globalArgs = ReadStringMap(root["custom_args"]);
        var categories = (root["categories"] as JsonArray ?? []).Select(c => Str(c) ?? "").ToList();
        var html = content.FirstOrDefault(c => c.Type.Equals("text/html", StringComparison.OrdinalIgnoreCase)).Value;
        var text = content.FirstOrDefault(c => c.Type.Equals("text/plain", StringComparison.OrdinalIgnoreCase)).Value;
        var messages = new List<OutboxMessage>();
        for (var i = 0; i < personalizations.Count; i++)
        {
            var p = (JsonObject)personalizations[i]!;
            var substitutions = ReadStringMap(p["substitutions"]);
            messages.Add(new OutboxMessage
            {
                Id = $"{sgMessageId}.{i.ToString("D4", CultureInfo.InvariantCulture)}",
                SgMessageId = sgMessageId,
                ReceivedAt = receivedAt,
                From = from!,
                ReplyTo = ReadAddress(root["reply_to"]),
                To = ReadAddresses(p["to"]),
                Cc = ReadAddresses(p["cc"]),
                Bcc = ReadAddresses(p["bcc"]),
                Subject = Substitute(Str(p["subject"]) is { Length: > 0 } s ? s : globalSubject!, substitutions)!,
                Headers = Merge(globalHeaders, ReadStringMap(p["headers"])),
                CustomArgs = Merge(globalArgs, ReadStringMap(p["custom_args"])),
                Categories = categories,
                SendAt = (p["send_at"] ?? root["send_at"]) is JsonValue v && v.TryGetValue<long>(out var at) ? at : null,
                Html = Substitute(html, substitutions),
                Text = Substitute(text, substitutions),
                Attachments = attachments,
            });
        }
        var sandbox = ((root["mail_settings"] as JsonObject)?["sandbox_mode"] as JsonObject)?["enable"] is JsonValue sb && sb.TryGetValue<bool>(out var on) && on;
        return (new Parsed(messages, sandbox), []);
    }

    private static string? Substitute(string? text, IReadOnlyDictionary<string, string> substitutions)
    {
        if (text is null)
        {
            return null;
        }
        foreach (var (key, value) in substitutions)
        {
            text = text.Replace(key, value, StringComparison.Ordinal);
        }
        return text;
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> global, IReadOnlyDictionary<string, string> local)
    {
        var merged = new Dictionary<string, string>(global, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in local)
        {
            merged[key] = value;
        }
        return merged;
    }

    private static Dictionary<string, string> ReadStringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                map[key] = Str(value) ?? value?.ToJsonString() ?? "";
            }
        }
        return map;
    }

    private static List<MailAddress> ReadAddresses(JsonNode? node) =>
        (node as JsonArray ?? []).Select(ReadAddress).OfType<MailAddress>().ToList();

    private static MailAddress? ReadAddress(JsonNode? node)
    {
        var obj = node as JsonObject;
        var email = Str(obj?["email"]);
        return string.IsNullOrWhiteSpace(email) || !email.Contains('@', StringComparison.Ordinal)
            ? null
            : new MailAddress(email, Str(obj?["name"]));
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool IsBase64(string data)
    {
        var buffer = new byte[data.Length];
        return Convert.TryFromBase64String(data, buffer, out _);
    }
}
