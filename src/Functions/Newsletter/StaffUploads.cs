namespace Microstructures.Functions.Newsletter;

// Raw uploads of the staff pages (a CSV file, an image): the body's bytes, refused past a size.
public static class StaffUploads
{
    // The body, or null when it is longer than max (a chunked upload has no Content-Length to check first).
    public static async Task<byte[]?> ReadAtMostAsync(HttpRequest request, int max, CancellationToken cancellationToken)
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

    public static IResult TooLarge(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [message] }, title: "Requête invalide");
}
