using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Indicators;

// The staff's dashboard: the public dashboard's figures with nothing suppressed. The page is a shell
// without data (a browser's navigation cannot send the staff key); assets/dashboard.js reads the body
// with the key, as an HTML fragment drawn by the public dashboard's own template (DashboardBody).
public sealed class StaffDashboardHttp(DashboardBuilder dashboard, TimeProvider time)
{
    public const string PageHref = "/api/manage/dashboard";
    public const string BodyHref = "/api/manage/dashboard/body";

    [Function("ManageDashboardPage")]
    [StaffPage]
    public static IResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/dashboard")] HttpRequest request) =>
        PageResults.Page(StaffDashboardPage.Create());

    // ?year= (the previous year by default): the dashboard's body, unsuppressed, without layout.
    [Function("ManageDashboardBody")]
    [StaffAccess]
    public Task<IResult> BodyAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/dashboard/body")] HttpRequest request,
        CancellationToken cancellationToken) =>
        DashboardHttp.AnswerAsync(request, DashboardScope.Staff, dashboard, time, model => PageResults.Page(DashboardBody.Create(model)), DashboardHttp.InvalidFragment, cancellationToken);
}
