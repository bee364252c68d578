using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Microstructures.Core.Newsletter;

// Signed links, one purpose each (a token of one never opens another), HMAC-SHA256 with
// Newsletter__SigningKey:
// - confirmation "<id>.<issued unix seconds>.<mac>": expires ConfirmationLinkValidity after issue;
// - unsubscribe "<id>.<mac>": never expires (old e-mails must keep working);
// - stay "<id>.<mac>": the re-permission e-mail's "rester inscrit".
public sealed class NewsletterTokens(IOptions<NewsletterOptions> options)
{
    private const string ConfirmPurpose = "newsletter-confirm";
    private const string UnsubscribePurpose = "newsletter-unsubscribe";
    private const string StayPurpose = "newsletter-stay";

    public string Confirmation(string subscriberId, DateTimeOffset issuedAt)
    {
        var issued = issuedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{subscriberId}.{issued}.{Mac(ConfirmPurpose, subscriberId + "." + issued)}";
    }

    public (string SubscriberId, DateTimeOffset IssuedAt)? ReadConfirmation(string? token)
    {
        var parts = Split(token, 3);
        if (parts is null || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253_402_300_799
            || !Verify(ConfirmPurpose, parts[0] + "." + parts[1], parts[2]))
        {
            return null;
        }
        return (parts[0], DateTimeOffset.FromUnixTimeSeconds(seconds));
    }

    public string Unsubscribe(string subscriberId) => $"{subscriberId}.{Mac(UnsubscribePurpose, subscriberId)}";

    public string? ReadUnsubscribe(string? token) => Read(UnsubscribePurpose, token);

    public string Stay(string subscriberId) => $"{subscriberId}.{Mac(StayPurpose, subscriberId)}";

    public string? ReadStay(string? token) => Read(StayPurpose, token);

    private string? Read(string purpose, string? token)
    {
        var parts = Split(token, 2);
        return parts is not null && Verify(purpose, parts[0], parts[1]) ? parts[0] : null;
    }

    private static string[]? Split(string? token, int count)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return null;
        }
        var parts = token.Trim().Split('.');
        return parts.Length == count && SubscriberIds.IsValid(parts[0]) ? parts : null;
    }

    private bool Verify(string purpose, string subject, string mac)
    {
        var presented = new byte[Base64Url.GetMaxDecodedLength(mac.Length)];
        if (Base64Url.DecodeFromChars(mac, presented, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(presented.AsSpan(0, written), MacBytes(purpose, subject));
    }

    private string Mac(string purpose, string subject) => Base64Url.EncodeToString(MacBytes(purpose, subject));

    private byte[] MacBytes(string purpose, string subject) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.SigningKey), Encoding.UTF8.GetBytes($"{purpose}\n{subject}"));
}
