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
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/indicators/dashboard")] HttpRequest request,
        CancellationToken cancellationToken) =>
        AnswerAsync(request, dashboard, time, model => PageResults.Page(DashboardPage.Create(model)), cancellationToken);

    // The year asked for (400 page when it is not one), its figures as the public sees them, then the page.
    internal static Task<IResult> AnswerAsync(
        HttpRequest request, DashboardBuilder dashboard, TimeProvider time, Func<DashboardModel, IResult> page, CancellationToken cancellationToken) =>
        AnswerAsync(request, DashboardScope.Public, dashboard, time, page,
            message => PageResults.Notice(new Notice(PageTitles.BadRequest, message), StatusCodes.Status400BadRequest), cancellationToken);

    // The same for any reader (scope); `invalid` answers a bad year with its French message.
    internal static async Task<IResult> AnswerAsync(
        HttpRequest request, DashboardScope scope, DashboardBuilder dashboard, TimeProvider time, Func<DashboardModel, IResult> page, Func<string, IResult> invalid,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(invalid);
        var (query, errors) = IndicatorQuery.Read(request, time);
        var latest = IndicatorQuery.DefaultYear(time) + 1;
        if (query is null || query.Year > latest)
        {
            return invalid(errors.Values.SelectMany(e => e).FirstOrDefault() ?? Core.Indicators.IndicatorMessages.BadPeriod);
        }
        var model = await dashboard.BuildAsync(scope, query.Year, latest, cancellationToken);
        return model.IsSuccess ? page(model.Value!) : invalid(model.Detail ?? Core.Indicators.IndicatorMessages.BadPeriod);
    }

    // A fragment's bad year, as the page scripts read problems.
    internal static IResult InvalidFragment(string message) =>
        TypedResults.Problem(title: "Requête invalide", detail: message, statusCode: StatusCodes.Status400BadRequest);
}
