using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Indicators;

// The printable "chiffres clés" of a year (?year=, the previous year by default), in the annual report's
// spirit: the nation's key figures, the same per region, and the report's tables (reasons, substances,
// disorders, acts by profession); public suppression, French number formatting, an A4 print stylesheet.
public sealed class KeyFiguresHttp(DashboardBuilder dashboard, TimeProvider time)
{
    public const string Href = "/api/indicators/chiffres-cles";

    [Function("IndicatorsKeyFigures")]
    [PublicAccess]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/indicators/chiffres-cles")] HttpRequest request,
        CancellationToken cancellationToken) =>
        DashboardHttp.AnswerAsync(request, dashboard, time, model => PageResults.Page(KeyFiguresPage.Create(model)), cancellationToken);
}
