using Microstructures.Core.Audit;
using Microstructures.Core.ReferenceData;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.ReferenceData;

// Who changed what and when, newest first.
public sealed class AuditTrailHttp(AuditTrail audit)
{
    [Function("GetAuditTrail")]
    [StaffAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/audit/{entityType}/{entityId}")] HttpRequest request,
        string entityType, string entityId, CancellationToken cancellationToken)
    {
        if (!AuditEntityTypes.IsKnown(entityType) || !OrgTreeStore.IsStorableKey(entityId))
        {
            return TypedResults.Problem(title: "Introuvable", detail: "Type d'entité inconnu : region, network, microstructure ou event.", statusCode: StatusCodes.Status404NotFound);
        }
        return TypedResults.Ok(await audit.ListAsync(entityType, entityId, cancellationToken: cancellationToken));
    }
}
