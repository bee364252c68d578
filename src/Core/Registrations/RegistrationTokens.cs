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
    public const string Code = "code";

    // The short entry code's characters: no 0/O, 1/I/L, so that a code read aloud or copied by hand is
    // typed right. Six of them: 31^6 ≈ 887 million codes, shared by an event's few hundred registrations.
    public const string CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    public const int CodeLength = 6;

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

    // The short entry code of a registration, "K7M-4QX": derived (HMAC) from the event and the
    // registration, never stored, so the rush path writes nothing more. Not a secret on its own (the
    // door link is what allows a check-in); two registrations of an event may share one, rarely, and
    // the door then asks for a search by name.
    public string EntryCode(string eventId, string registrationId)
    {
        var mac = Mac(Code, eventId, registrationId);
        var value = BitConverter.ToUInt64(mac, 0);
        var chars = new char[CodeLength];
        for (var i = 0; i < CodeLength; i++)
        {
            chars[i] = CodeAlphabet[(int)(value % (ulong)CodeAlphabet.Length)];
            value /= (ulong)CodeAlphabet.Length;
        }
        return new string(chars, 0, 3) + "-" + new string(chars, 3, 3);
    }

    // A code as typed ("k7m 4qx", "K7M-4QX"): the canonical form, or null when it cannot be one.
    public static string? NormalizeEntryCode(string? typed)
    {
        var chars = (typed ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant).ToArray();
        return chars.Length == CodeLength && chars.All(c => CodeAlphabet.Contains(c, StringComparison.Ordinal))
            ? new string(chars, 0, 3) + "-" + new string(chars, 3, 3)
            : null;
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
