using Microstructures.Core.Indicators;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Indicators;

// The indicators, as JSON with their definitions or as the CSV French Excel opens, for three audiences:
// the public (counts under 5 suppressed with their complements, no microstructure level), a network with
// its key (its own network and microstructures unsuppressed) and the staff (nothing suppressed).
// ?level=nation|region|network|microstructure&id=&year=&month=
public sealed class IndicatorsHttp(IndicatorService indicators, TimeProvider time)
{
    [Function("Indicators")]
    [PublicAccess]
    public Task<IResult> PublicAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/indicators")] HttpRequest request, CancellationToken cancellationToken) =>
        AnswerAsync(request, IndicatorAudience.Public, csv: false, cancellationToken);

    [Function("IndicatorsCsv")]
    [PublicAccess]
    public Task<IResult> PublicCsvAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/indicators.csv")] HttpRequest request, CancellationToken cancellationToken) =>
        AnswerAsync(request, IndicatorAudience.Public, csv: true, cancellationToken);

    [Function("NetworkIndicators")]
    [NetworkAccess]
    public Task<IResult> NetworkAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/network/indicators")] HttpRequest request, CancellationToken cancellationToken) =>
        AnswerAsync(request, IndicatorAudience.Network(request.HttpContext.GetNetworkCaller().NetworkId), csv: false, cancellationToken);

    [Function("NetworkIndicatorsCsv")]
    [NetworkAccess]
    public Task<IResult> NetworkCsvAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/network/indicators.csv")] HttpRequest request, CancellationToken cancellationToken) =>
        AnswerAsync(request, IndicatorAudience.Network(request.HttpContext.GetNetworkCaller().NetworkId), csv: true, cancellationToken);

    [Function("ManageIndicators")]
    [StaffAccess]
    public Task<IResult> StaffAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/indicators")] HttpRequest request, CancellationToken cancellationToken) =>
        AnswerAsync(request, IndicatorAudience.Staff, csv: false, cancellationToken);

    [Function("ManageIndicatorsCsv")]
    [StaffAccess]
    public Task<IResult> StaffCsvAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/indicators.csv")] HttpRequest request, CancellationToken cancellationToken) =>
        AnswerAsync(request, IndicatorAudience.Staff, csv: true, cancellationToken);

    private async Task<IResult> AnswerAsync(HttpRequest request, IndicatorAudience audience, bool csv, CancellationToken cancellationToken)
    {
        var (query, errors) = IndicatorQuery.Read(request, time);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors, title: "Requête invalide", detail: "Corrigez les champs signalés.");
        }
        return csv
            ? (await indicators.ExportCsvAsync(query.Level, query.Id, query.Year, audience, query.Month, cancellationToken))
                .ToHttp(bytes => TypedResults.File(bytes, "text/csv; charset=utf-8", query.FileName))
            : (await indicators.GetAsync(query.Level, query.Id, query.Year, audience, query.Month, cancellationToken))
                .ToHttp(report => TypedResults.Ok(IndicatorReportJson.From(report)));
    }
}
