using Microstructures.Core.Audit;
using Microstructures.Core.ReferenceData;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.ReferenceData;

// Idempotent CSV import of the whole tree. The CSV file is the raw body (text/csv), as the staff
// page's file upload sends it; its bytes go to Core as they are, which detects their encoding.
public sealed class ImportOrgTreeHttp(OrgTreeImport import)
{
    public const int MaxImportBytes = 4 * 1024 * 1024;

    [Function("ImportOrgTree")]
    [StaffAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/import")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var content = request.ContentLength is > MaxImportBytes ? null : await ReadAtMostAsync(request.Body, MaxImportBytes, cancellationToken);
        if (content is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Le fichier dépasse 4 Mo\u00A0: découpez-le."] }, title: "Requête invalide");
        }
        return (await import.ImportAsync(content, Actor.Staff, cancellationToken)).ToHttp();
    }

    // The body, or null when it is longer than max (a chunked upload has no Content-Length to check first).
    private static async Task<byte[]?> ReadAtMostAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
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
