using System.Text;
using System.Text.Json;

namespace Microstructures.Functions.Hosting;

// Reads request bodies within a size limit, before anything is parsed or remembered, and turns every
// way a body can be malformed into a 4xx in French (HttpErrorMiddleware answers BadHttpRequestException
// as problem+json): too large → 413, another content type → 415, anything that does not parse → 400.
public static class RequestBody
{
    // Every JSON body of the platform is small (an event, a tree node, a team); CSV imports and provider
    // webhooks say their own limit.
    public const int DefaultMaxBytes = 256 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // None is null; JSON that does not parse, or of the wrong shape, is a 400.
    public static Task<T?> ReadJsonAsync<T>(this HttpRequest request, CancellationToken cancellationToken = default)
        where T : class => request.ReadJsonAsync<T>(DefaultMaxBytes, cancellationToken);

    public static async Task<T?> ReadJsonAsync<T>(this HttpRequest request, int maxBytes, CancellationToken cancellationToken = default)
        where T : class
    {
        var body = await request.ReadBytesAsync(maxBytes, cancellationToken);
        if (body.Length == 0)
        {
            return null;
        }
        if (!request.HasJsonContentType())
        {
            throw new BadHttpRequestException("Le corps de la requête doit être du JSON (Content-Type: application/json).", StatusCodes.Status415UnsupportedMediaType);
        }
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json);
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException("Le corps de la requête n'est pas un JSON valide : " + ex.Message, StatusCodes.Status400BadRequest, ex);
        }
        catch (InvalidOperationException ex)
        {
            // An escaped lone surrogate ("\uD800"): not text anyone typed.
            throw new BadHttpRequestException("Le corps de la requête contient un texte invalide (caractère Unicode incomplet).", StatusCodes.Status400BadRequest, ex);
        }
    }

    // The body as text: strict UTF-8 (a byte sequence that is not UTF-8 is refused, never stored as U+FFFD),
    // a leading byte-order mark dropped.
    public static async Task<string> ReadUtf8TextAsync(this HttpRequest request, int maxBytes, string what, CancellationToken cancellationToken = default)
    {
        var body = await request.ReadBytesAsync(maxBytes, cancellationToken);
        return Utf8(body, what);
    }

    // The body as read, at most maxBytes (413 beyond, whether or not a Content-Length announced it).
    public static async Task<byte[]> ReadBytesAsync(this HttpRequest request, int maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(maxBytes);
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    internal static string Utf8(ReadOnlySpan<byte> bytes, string what)
    {
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        }
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new BadHttpRequestException($"{what} n'est pas un texte UTF-8 valide : enregistrez-le en UTF-8.", StatusCodes.Status400BadRequest, ex);
        }
    }

    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static BadHttpRequestException TooLarge(int maxBytes) =>
        new($"Le corps de la requête dépasse {maxBytes / 1024} Ko.", StatusCodes.Status413PayloadTooLarge);

    // A query-string value, null when absent.
    public static string? QueryValue(this HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
    }
}
