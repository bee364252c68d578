using System.Text.Json;

namespace Microstructures.Functions.Hosting;

// Reads a JSON body the way the minimal APIs did: none is null, another content type is a 415,
// JSON that does not parse is a 400 (HttpErrorMiddleware answers both as problem+json).
public static class RequestBody
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<T?> ReadJsonAsync<T>(this HttpRequest request, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0)
        {
            return null;
        }
        if (!request.HasJsonContentType())
        {
            throw new BadHttpRequestException("Le corps de la requête doit être du JSON (Content-Type: application/json).", StatusCodes.Status415UnsupportedMediaType);
        }
        buffer.Position = 0;
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(buffer, Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException("Le corps de la requête n'est pas un JSON valide : " + ex.Message, StatusCodes.Status400BadRequest, ex);
        }
    }

    // A query-string value, null when absent.
    public static string? QueryValue(this HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
    }

    // The raw body (a CSV upload), or null when it is longer than max (a chunked upload has no
    // Content-Length to check first).
    public static async Task<byte[]?> ReadAtMostAsync(this HttpRequest request, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > max)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
