using Microstructures.Core.Audit;
using Microstructures.Core.ReferenceData;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.ReferenceData;

// Networks: the same as regions; closing is refused while microstructures are open.
public sealed class NetworksHttp(OrgTreeService tree)
{
    private static readonly NetworkInput Empty = new(null, null, null, null, null, null);

    [Function("ManageNetworks")]
    [StaffAccess]
    public async Task<IResult> ListOrCreateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/manage/networks")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method))
        {
            return TypedResults.Ok(await tree.ListNetworksAsync(request.QueryValue("regionId"), cancellationToken));
        }
        var input = await request.ReadJsonAsync<NetworkInput>(cancellationToken) ?? Empty;
        return (await tree.CreateNetworkAsync(input, Actor.Staff, cancellationToken)).ToHttp(n => TypedResults.Created($"/api/manage/networks/{n.Id}", n));
    }

    [Function("ManageNetwork")]
    [StaffAccess]
    public async Task<IResult> ReadOrUpdateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "put", Route = "api/manage/networks/{networkId}")] HttpRequest request,
        string networkId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method))
        {
            return (await tree.GetNetworkAsync(networkId, cancellationToken)).ToHttp();
        }
        var input = await request.ReadJsonAsync<NetworkInput>(cancellationToken) ?? Empty;
        return (await tree.UpdateNetworkAsync(networkId, input, Actor.Staff, cancellationToken)).ToHttp();
    }

    [Function("CloseNetwork")]
    [StaffAccess]
    public async Task<IResult> CloseAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/networks/{networkId}/close")] HttpRequest request,
        string networkId, CancellationToken cancellationToken) =>
        (await tree.CloseNetworkAsync(networkId, await request.ReadJsonAsync<CloseInput>(cancellationToken), Actor.Staff, cancellationToken)).ToHttp();
}
