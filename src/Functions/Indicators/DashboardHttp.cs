using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Indicators;

// The public dashboard of the annual report's figures (?year=, the previous year by default): key
// figures and charts drawn server-side as SVG, each with its data table; printable; public suppression.
public sealed class DashboardHttp(DashboardBuilder dashboard, TimeProvider time)
{
    public const string Href = "/api/indicators/dashboard";

    [Function("IndicatorsDashboard")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/indicators/dashboard")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (query, errors) = IndicatorQuery.Read(request, time);
        var latest = IndicatorQuery.DefaultYear(time) + 1;
        if (query is null || query.Year > latest)
        {
            return PageResults.Notice(new Notice(PageTitles.BadRequest, errors.Values.SelectMany(e => e).FirstOrDefault() ?? Core.Indicators.IndicatorMessages.BadPeriod), StatusCodes.Status400BadRequest);
        }
        var model = await dashboard.BuildAsync(query.Year, latest, cancellationToken);
        return model.IsSuccess
            ? PageResults.Page(DashboardPage.Create(model.Value!))
            : PageResults.Notice(new Notice(PageTitles.BadRequest, Core.Indicators.IndicatorMessages.BadPeriod), StatusCodes.Status400BadRequest);
    }
}
