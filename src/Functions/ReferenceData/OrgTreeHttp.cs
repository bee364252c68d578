using Microstructures.Core.ReferenceData;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.ReferenceData;

public sealed class OrgTreeHttp(OrgTreeService tree)
{
    // The whole tree: regions -> networks -> microstructures.
    [Function("GetOrgTree")]
    [StaffAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/tree")] HttpRequest request,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await tree.GetTreeAsync(cancellationToken));
}
