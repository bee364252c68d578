using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Indicators;

// A network's dashboard: its own figures by microstructure, unsuppressed. The page is a public shell
// without data (a browser's navigation cannot send the network key); assets/dashboard.js asks for the
// key once (kept in the tab, as on the forfaits page) and reads the body with it, an HTML fragment drawn
// by the public dashboard's template (DashboardBody) for the caller's network only.
public sealed class NetworkDashboardHttp(DashboardBuilder dashboard, TimeProvider time)
{
    public const string PageHref = "/api/indicators/reseau";
    public const string BodyHref = "/api/network/dashboard";

    [Function("NetworkDashboardPage")]
    [PublicAccess]
    public static IResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/indicators/reseau")] HttpRequest request) =>
        PageResults.Page(NetworkDashboardPage.Create());

    // ?year= (the previous year by default): the caller's network's dashboard body, without layout;
    // ?networkId= naming another network is refused (403), like {networkId} on the other network routes.
    [Function("NetworkDashboard")]
    [NetworkAccess]
    public Task<IResult> BodyAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/network/dashboard")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.HttpContext.GetNetworkCaller();
        if (request.QueryValue("networkId") is { } asked && asked != caller.NetworkId)
        {
            return Task.FromResult<IResult>(TypedResults.Problem(
                title: "Accès refusé", detail: "Cette clé réseau ne donne accès qu'aux chiffres de son propre réseau.", statusCode: StatusCodes.Status403Forbidden));
        }
        return DashboardHttp.AnswerAsync(request, DashboardScope.Network(caller.NetworkId), dashboard, time,
            model => PageResults.Page(DashboardBody.Create(model)), DashboardHttp.InvalidFragment, cancellationToken);
    }
}
