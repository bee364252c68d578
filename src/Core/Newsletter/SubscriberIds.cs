using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;

namespace Microstructures.Core.Newsletter;

// A subscriber's id is 32 hex characters (128 bits) of HMAC-SHA256(Newsletter__AddressHashKey, the
// normalised address): the same address always has the same id, so the suppression list can hold the
// id alone and still recognise the address after its row is erased, and nobody without the key can
// test an address against it.
public sealed class SubscriberIds(IOptions<NewsletterOptions> options)
{
    private const string Purpose = "newsletter-address\n";

    public string For(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AddressHashKey), Encoding.UTF8.GetBytes(Purpose + EmailAddresses.Normalize(email)));
        return Convert.ToHexStringLower(mac.AsSpan(0, 16));
    }

    public static bool IsValid(string? id) =>
        id is { Length: 32 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
