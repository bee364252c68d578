using Microstructures.Core.Audit;
using Microstructures.Core.ReferenceData;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.ReferenceData;

// Microstructures (never deleted, only closed) and their yearly team compositions, for the staff.
public sealed class MicrostructuresHttp(OrgTreeService tree)
{
    private static readonly MicrostructureInput Empty = new(null, null, null, null, null, null, null, null);

    [Function("ManageMicrostructures")]
    [StaffAccess]
    public async Task<IResult> ListOrCreateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/manage/microstructures")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method))
        {
            return (await tree.ListMicrostructuresAsync(request.QueryValue("networkId"), cancellationToken)).ToHttp();
        }
        var input = await request.ReadJsonAsync<MicrostructureInput>(cancellationToken) ?? Empty;
        return (await tree.CreateMicrostructureAsync(input, Actor.Staff, cancellationToken)).ToHttp(m => TypedResults.Created($"/api/manage/microstructures/{m.Id}", m));
    }

    [Function("ManageMicrostructure")]
    [StaffAccess]
    public async Task<IResult> ReadOrUpdateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "put", Route = "api/manage/microstructures/{microstructureId}")] HttpRequest request,
        string microstructureId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method))
        {
            return (await tree.GetMicrostructureAsync(microstructureId, cancellationToken)).ToHttp();
        }
        var input = await request.ReadJsonAsync<MicrostructureInput>(cancellationToken) ?? Empty;
        return (await tree.UpdateMicrostructureAsync(microstructureId, input, Actor.Staff, cancellationToken)).ToHttp();
    }

    [Function("CloseMicrostructure")]
    [StaffAccess]
    public async Task<IResult> CloseAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/microstructures/{microstructureId}/close")] HttpRequest request,
        string microstructureId, CancellationToken cancellationToken) =>
        (await tree.CloseMicrostructureAsync(microstructureId, await request.ReadJsonAsync<CloseInput>(cancellationToken), Actor.Staff, cancellationToken)).ToHttp();

    // A year's team: GPs, psychologists, social workers, psychiatrists.
    [Function("SetMicrostructureTeam")]
    [StaffAccess]
    public async Task<IResult> SetTeamAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/manage/microstructures/{microstructureId}/teams/{year:int}")] HttpRequest request,
        string microstructureId, int year, CancellationToken cancellationToken)
    {
        var input = await request.ReadJsonAsync<TeamInput>(cancellationToken) ?? new TeamInput(null, null, null, null);
        return (await tree.SetTeamAsync(microstructureId, year, input, Actor.Staff, cancellationToken)).ToHttp(s => TypedResults.Ok(s.Value));
    }
}
