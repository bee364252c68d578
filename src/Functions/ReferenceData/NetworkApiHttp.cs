using Microstructures.Core.ReferenceData;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.ReferenceData;

// The network API (network key): the caller's own microstructures. NetworkKeyMiddleware has already
// checked that a {microstructureId} in the route is one of the caller's.
public sealed class NetworkApiHttp(OrgTreeService tree)
{
    [Function("NetworkListMicrostructures")]
    [NetworkAccess]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/network/microstructures")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await tree.ListMicrostructuresAsync(request.HttpContext.GetNetworkCaller().NetworkId, cancellationToken)).ToHttp();
    }

    [Function("NetworkGetMicrostructure")]
    [NetworkAccess]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/network/microstructures/{microstructureId}")] HttpRequest request,
        string microstructureId, CancellationToken cancellationToken) =>
        (await tree.GetMicrostructureAsync(microstructureId, cancellationToken)).ToHttp();

    // A network declares a year's team composition, recorded in the audit trail under its key.
    [Function("NetworkSetTeam")]
    [NetworkAccess]
    public async Task<IResult> SetTeamAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/network/microstructures/{microstructureId}/teams/{year:int}")] HttpRequest request,
        string microstructureId, int year, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var input = await request.ReadJsonAsync<TeamInput>(cancellationToken) ?? new TeamInput(null, null, null, null);
        return (await tree.SetTeamAsync(microstructureId, year, input, request.HttpContext.GetNetworkCaller().Actor, cancellationToken)).ToHttp(s => TypedResults.Ok(s.Value));
    }
}
