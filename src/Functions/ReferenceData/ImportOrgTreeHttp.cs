using Microstructures.Core.Audit;
using Microstructures.Core.ReferenceData;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.ReferenceData;

// Idempotent CSV import of the whole tree. The CSV file is the raw body (text/csv), as the staff
// page's file upload sends it.
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
            return ResultHttpExtensions.Invalid("file", "Le fichier dépasse 4 Mo : découpez-le.");
        }
        var csv = await request.ReadUtf8TextAsync(MaxImportBytes, "Le fichier", cancellationToken);
        return (await import.ImportAsync(csv, Actor.Staff, cancellationToken)).ToHttp();
    }
}
