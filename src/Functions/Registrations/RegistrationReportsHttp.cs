using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The staff's exports: a CSV for French Excel (UTF-8 with BOM, ';'), and counts by status,
// profession and region.
public sealed class RegistrationReportsHttp(RegistrationReports reports)
{
    [Function("ExportRegistrations")]
    [StaffAccess]
    public async Task<IResult> ExportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/events/{eventId}/registrations.csv")] HttpRequest request,
        string eventId, CancellationToken cancellationToken) =>
        (await reports.ExportCsvAsync(eventId, cancellationToken))
            .ToHttp(csv => TypedResults.File(csv, "text/csv; charset=utf-8", $"inscriptions-{eventId}.csv"));

    [Function("RegistrationCounts")]
    [StaffAccess]
    public async Task<IResult> CountAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/events/{eventId}/counts")] HttpRequest request,
        string eventId, CancellationToken cancellationToken) =>
        (await reports.CountAsync(eventId, cancellationToken)).ToHttp(counts => TypedResults.Ok(counts));
}
