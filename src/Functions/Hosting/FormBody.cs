using System.Net.Http.Headers;

namespace Microstructures.Functions.Hosting;

// A form post as a browser sends it (application/x-www-form-urlencoded), read within limits and
// decoded strictly: the body's size, the number of fields and the length of a name are bounded before
// anything is parsed; a value that is not UTF-8 once percent-decoded is refused naming its field
// (never stored as U+FFFD). Multipart is refused (415): no form of the platform uploads files.
public static class FormBody
{
    public const int MaxNameLength = 100;

    public static bool IsUrlEncodedForm(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            && string.Equals(type.MediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    }

    // The fields by name; a name given twice keeps its first value.
    public static async Task<IReadOnlyDictionary<string, string>> ReadFormAsync(this HttpRequest request, int maxBytes, int maxFields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.IsUrlEncodedForm())
        {
            throw new BadHttpRequestException("Envoyez le formulaire encodé comme une page web (application/x-www-form-urlencoded) ou du JSON.", StatusCodes.Status415UnsupportedMediaType);
        }
        var body = await request.ReadBytesAsync(maxBytes, cancellationToken);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var pair in Split(body))
        {
            if (++count > maxFields)
            {
                throw new BadHttpRequestException($"Le formulaire compte plus de {maxFields} champs.", StatusCodes.Status400BadRequest);
            }
            var equals = pair.IndexOf((byte)'=');
            var name = RequestBody.Utf8(Decode(equals < 0 ? pair : pair.AsSpan(0, equals)), "Un nom de champ");
            if (name.Length > MaxNameLength)
            {
                throw new BadHttpRequestException($"Un nom de champ dépasse {MaxNameLength} caractères.", StatusCodes.Status400BadRequest);
            }
            var value = equals < 0 ? "" : RequestBody.Utf8(Decode(pair.AsSpan(equals + 1)), $"Le champ « {name} »");
            fields.TryAdd(name, value);
        }
        return fields;
    }

    private static List<byte[]> Split(byte[] body)
    {
        var pairs = new List<byte[]>();
        var start = 0;
        for (var i = 0; i <= body.Length; i++)
        {
            if (i == body.Length || body[i] == (byte)'&')
            {
                if (i > start)
                {
                    pairs.Add(body[start..i]);
                }
                start = i + 1;
            }
        }
        return pairs;
    }

    // Percent-decoding to bytes, '+' as a space; a '%' not followed by two hex digits stays as is.
    private static byte[] Decode(ReadOnlySpan<byte> encoded)
    {
        var bytes = new byte[encoded.Length];
        var length = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b == (byte)'+')
            {
                b = (byte)' ';
            }
            else if (b == (byte)'%' && i + 2 < encoded.Length && IsHex(encoded[i + 1]) && IsHex(encoded[i + 2]))
            {
                b = (byte)((Hex(encoded[i + 1]) << 4) | Hex(encoded[i + 2]));
                i += 2;
            }
            bytes[length++] = b;
        }
        return bytes[..length];
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
