using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Microstructures.Core.Registrations;

// Signed, unguessable links without a server session: HMAC-SHA256 over purpose, event and
// registration id. A token for one purpose (manage) never opens another (check-in, certificate).
public sealed class RegistrationTokens(IOptions<RegistrationOptions> options)
{
    public const string Manage = "manage";
    public const string Checkin = "checkin";
    public const string Certificate = "certificate";
    public const string Door = "door";

    public string Sign(string purpose, string eventId, string subject) =>
        Base64UrlEncode(Mac(purpose, eventId, subject));

    public bool Verify(string purpose, string eventId, string subject, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return false;
        }
        byte[] presented;
        try
        {
            presented = Base64UrlDecode(token);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(presented, Mac(purpose, eventId, subject));
    }

    // The token a door volunteer's phone reads from the QR code: "<registrationId>.<mac>".
    public string CheckinToken(string eventId, string registrationId) => registrationId + "." + Sign(Checkin, eventId, registrationId);

    public string? ReadCheckinToken(string eventId, string? token)
    {
        var parts = (token ?? "").Trim().Split('.');
        return parts.Length == 2 && Verify(Checkin, eventId, parts[0], parts[1]) ? parts[0] : null;
    }

    private byte[] Mac(string purpose, string eventId, string subject) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.SigningKey), Encoding.UTF8.GetBytes($"{purpose}\n{eventId}\n{subject}"));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
