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
        if (request.ContentLength is > MaxImportBytes)
        {
            return ResultHttpExtensions.Invalid("file", "Le fichier dépasse 4 Mo\u00A0: découpez-le.");
        }
        // A chunked upload has no Content-Length: past the limit while reading is a 413.
        var content = await request.ReadBytesAsync(MaxImportBytes, cancellationToken);
        return (await import.ImportAsync(content, Actor.Staff, cancellationToken)).ToHttp();
    }
}
