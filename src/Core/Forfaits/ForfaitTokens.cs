using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Microstructures.Core.Forfaits;

// The token of a digest link: HMAC-SHA256 over its id with Forfaits__SigningKey. It opens that digest
// only; its expiry is the digest's own (stored with it, checked on every use), not in the token.
public sealed class ForfaitTokens(IOptions<ForfaitOptions> options)
{
    private const string Purpose = "forfait-digest";

    public string Sign(string digestId) => Base64Url.EncodeToString(Mac(digestId));

    public bool Verify(string digestId, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return false;
        }
        var presented = new byte[Base64Url.GetMaxDecodedLength(token.Length)];
        if (Base64Url.DecodeFromChars(token, presented, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(presented.AsSpan(0, written), Mac(digestId));
    }

    private byte[] Mac(string digestId) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.SigningKey), Encoding.UTF8.GetBytes($"{Purpose}\n{digestId}"));
}
