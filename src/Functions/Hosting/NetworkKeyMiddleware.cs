using Microsoft.Azure.Functions.Worker.Middleware;
using Microstructures.Core.NetworkKeys;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Functions.Hosting;

// "Which network is this, and may it touch this microstructure?" for every [NetworkAccess] function:
// 401 without an active network key; then, from the route, 403 when {networkId} is another network or
// {microstructureId} belongs to another network, 404 when that microstructure does not exist.
// Functions that take a microstructure id from the body call CheckMicrostructureAsync themselves.
public sealed class NetworkKeyMiddleware(NetworkKeyService keys, OrgTreeService tree) : IFunctionsWorkerMiddleware
{
    public const string NetworkIdRouteValue = "networkId";
    public const string MicrostructureIdRouteValue = "microstructureId";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext() ?? throw new InvalidOperationException($"{context.FunctionDefinition.Name} is marked [NetworkAccess] but is not an HTTP function.");
        if (await RefuseAsync(http) is { } refused)
        {
            context.GetInvocationResult().Value = refused;
            return;
        }
        await next(context);
    }

    private async Task<IResult?> RefuseAsync(HttpContext http)
    {
        if (await keys.AuthenticateAsync(StaffKeyMiddleware.BearerToken(http.Request), http.RequestAborted) is not { } identity)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(
                title: "Clé réseau requise",
                detail: "Indiquez une clé réseau active (Authorization: Bearer rms_…). Une clé révoquée ou inconnue est refusée.",
                statusCode: StatusCodes.Status401Unauthorized);
        }
        var caller = new NetworkCaller(identity.NetworkId, identity.KeyId);
        http.Features.Set(caller);
        if (http.Request.RouteValues.TryGetValue(NetworkIdRouteValue, out var networkId) && networkId as string != caller.NetworkId)
        {
            return Forbidden();
        }
        if (http.Request.RouteValues.TryGetValue(MicrostructureIdRouteValue, out var microstructureId))
        {
            return await CheckMicrostructureAsync(tree, caller, microstructureId as string ?? "", http.RequestAborted);
        }
        return null;
    }

    // null when the caller's network holds this microstructure; otherwise the problem to answer.
    public static async Task<IResult?> CheckMicrostructureAsync(OrgTreeService tree, NetworkCaller caller, string microstructureId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(caller);
        return await tree.CheckAccessAsync(caller.NetworkId, microstructureId, cancellationToken) switch
        {
            MicrostructureAccess.Allowed => null,
            MicrostructureAccess.OtherNetwork => Forbidden(),
            _ => TypedResults.Problem(title: "Introuvable", detail: $"Aucune microstructure n'a l'identifiant « {microstructureId} ».", statusCode: StatusCodes.Status404NotFound),
        };
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Forbidden() =>
        TypedResults.Problem(title: "Accès refusé", detail: "Cette clé réseau ne donne accès qu'aux microstructures de son propre réseau.", statusCode: StatusCodes.Status403Forbidden);
}
