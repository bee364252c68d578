using Microstructures.Core.Audit;
using Microstructures.Core.ReferenceData;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.ReferenceData;

// Regions: list and create, read and update (version = ETag, 409 when stale), close.
public sealed class RegionsHttp(OrgTreeService tree)
{
    [Function("ManageRegions")]
    [StaffAccess]
    public async Task<IResult> ListOrCreateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/manage/regions")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method))
        {
            return TypedResults.Ok(await tree.ListRegionsAsync(cancellationToken));
        }
        var input = await request.ReadJsonAsync<RegionInput>(cancellationToken) ?? new RegionInput(null, null);
        return (await tree.CreateRegionAsync(input, Actor.Staff, cancellationToken)).ToHttp(r => TypedResults.Created($"/api/manage/regions/{r.Id}", r));
    }

    [Function("ManageRegion")]
    [StaffAccess]
    public async Task<IResult> ReadOrUpdateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "put", Route = "api/manage/regions/{regionId}")] HttpRequest request,
        string regionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method))
        {
            return (await tree.GetRegionAsync(regionId, cancellationToken)).ToHttp();
        }
        var input = await request.ReadJsonAsync<RegionInput>(cancellationToken) ?? new RegionInput(null, null);
        return (await tree.UpdateRegionAsync(regionId, input, Actor.Staff, cancellationToken)).ToHttp();
    }

    [Function("CloseRegion")]
    [StaffAccess]
    public async Task<IResult> CloseAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/regions/{regionId}/close")] HttpRequest request,
        string regionId, CancellationToken cancellationToken) =>
        (await tree.CloseRegionAsync(regionId, await request.ReadJsonAsync<CloseInput>(cancellationToken), Actor.Staff, cancellationToken)).ToHttp();
}
