using System.Text;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.NetworkKeys;
using Microstructures.Core.ReferenceData;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.ReferenceData;

// The org tree, network keys and the audit trail: staff API under /api/manage (staff key), network
// API under /api/network (network key), and the staff pages.
public static class ReferenceDataEndpoints
{
    public const int MaxImportBytes = 4 * 1024 * 1024;

    public static void MapReferenceDataEndpoints(this IEndpointRouteBuilder app, RouteGroupBuilder manage, RouteGroupBuilder network)
    {
        ArgumentNullException.ThrowIfNull(manage);
        ArgumentNullException.ThrowIfNull(network);
        StaffNavigation.Add(ReferenceDataPages.KeysHref, "Clés réseau");
        ReferenceDataPages.Map(app);

        manage.MapGet("/tree", async (OrgTreeService tree, CancellationToken ct) => TypedResults.Ok(await tree.GetTreeAsync(ct)));

        manage.MapGet("/regions", async (OrgTreeService tree, CancellationToken ct) => TypedResults.Ok(await tree.ListRegionsAsync(ct)));
        manage.MapPost("/regions", async (RegionInput? input, OrgTreeService tree, CancellationToken ct) =>
            (await tree.CreateRegionAsync(input ?? new RegionInput(null, null), Actor.Staff, ct)).ToHttp(r => TypedResults.Created($"/api/manage/regions/{r.Id}", r)));
        manage.MapGet("/regions/{regionId}", async (string regionId, OrgTreeService tree, CancellationToken ct) => (await tree.GetRegionAsync(regionId, ct)).ToHttp());
        manage.MapPut("/regions/{regionId}", async (string regionId, RegionInput? input, OrgTreeService tree, CancellationToken ct) =>
            (await tree.UpdateRegionAsync(regionId, input ?? new RegionInput(null, null), Actor.Staff, ct)).ToHttp());
        manage.MapPost("/regions/{regionId}/close", async (string regionId, CloseInput? input, OrgTreeService tree, CancellationToken ct) =>
            (await tree.CloseRegionAsync(regionId, input, Actor.Staff, ct)).ToHttp());

        manage.MapGet("/networks", async (string? regionId, OrgTreeService tree, CancellationToken ct) => TypedResults.Ok(await tree.ListNetworksAsync(regionId, ct)));
        manage.MapPost("/networks", async (NetworkInput? input, OrgTreeService tree, CancellationToken ct) =>
            (await tree.CreateNetworkAsync(input ?? new NetworkInput(null, null, null, null, null, null), Actor.Staff, ct)).ToHttp(n => TypedResults.Created($"/api/manage/networks/{n.Id}", n)));
        manage.MapGet("/networks/{networkId}", async (string networkId, OrgTreeService tree, CancellationToken ct) => (await tree.GetNetworkAsync(networkId, ct)).ToHttp());
        manage.MapPut("/networks/{networkId}", async (string networkId, NetworkInput? input, OrgTreeService tree, CancellationToken ct) =>
            (await tree.UpdateNetworkAsync(networkId, input ?? new NetworkInput(null, null, null, null, null, null), Actor.Staff, ct)).ToHttp());
        manage.MapPost("/networks/{networkId}/close", async (string networkId, CloseInput? input, OrgTreeService tree, CancellationToken ct) =>
            (await tree.CloseNetworkAsync(networkId, input, Actor.Staff, ct)).ToHttp());

        manage.MapGet("/microstructures", async (string? networkId, OrgTreeService tree, CancellationToken ct) => (await tree.ListMicrostructuresAsync(networkId, ct)).ToHttp());
        manage.MapPost("/microstructures", async (MicrostructureInput? input, OrgTreeService tree, CancellationToken ct) =>
            (await tree.CreateMicrostructureAsync(input ?? EmptyMicrostructure, Actor.Staff, ct)).ToHttp(m => TypedResults.Created($"/api/manage/microstructures/{m.Id}", m)));
        manage.MapGet("/microstructures/{microstructureId}", async (string microstructureId, OrgTreeService tree, CancellationToken ct) =>
            (await tree.GetMicrostructureAsync(microstructureId, ct)).ToHttp());
        manage.MapPut("/microstructures/{microstructureId}", async (string microstructureId, MicrostructureInput? input, OrgTreeService tree, CancellationToken ct) =>
            (await tree.UpdateMicrostructureAsync(microstructureId, input ?? EmptyMicrostructure, Actor.Staff, ct)).ToHttp());
        manage.MapPost("/microstructures/{microstructureId}/close", async (string microstructureId, CloseInput? input, OrgTreeService tree, CancellationToken ct) =>
            (await tree.CloseMicrostructureAsync(microstructureId, input, Actor.Staff, ct)).ToHttp());
        manage.MapPut("/microstructures/{microstructureId}/teams/{year:int}", async (string microstructureId, int year, TeamInput? input, OrgTreeService tree, CancellationToken ct) =>
            (await tree.SetTeamAsync(microstructureId, year, input ?? new TeamInput(null, null, null, null), Actor.Staff, ct)).ToHttp(s => TypedResults.Ok(s.Value)));

        manage.MapPost("/import", ImportAsync);

        manage.MapGet("/networks/{networkId}/keys", async (string networkId, NetworkKeyService keys, CancellationToken ct) => (await keys.ListAsync(networkId, ct)).ToHttp());
        manage.MapPost("/networks/{networkId}/keys", async (string networkId, NetworkKeyInput? input, NetworkKeyService keys, CancellationToken ct) =>
            (await keys.IssueAsync(networkId, input, Actor.Staff, ct)).ToHttp(k => TypedResults.Created((string?)null, k)));
        manage.MapPost("/networks/{networkId}/keys/{keyId}/revoke", async (string networkId, string keyId, NetworkKeyService keys, CancellationToken ct) =>
            (await keys.RevokeAsync(networkId, keyId, Actor.Staff, ct)).ToHttp());

        manage.MapGet("/audit/{entityType}/{entityId}", GetAuditAsync);

        // NetworkKeyFilter has already checked that {microstructureId} is one of the caller's.
        network.MapGet("/microstructures", async (HttpContext context, OrgTreeService tree, CancellationToken ct) =>
            (await tree.ListMicrostructuresAsync(context.GetNetworkCaller().NetworkId, ct)).ToHttp());
        network.MapGet("/microstructures/{microstructureId}", async (string microstructureId, OrgTreeService tree, CancellationToken ct) =>
            (await tree.GetMicrostructureAsync(microstructureId, ct)).ToHttp());
        network.MapPut("/microstructures/{microstructureId}/teams/{year:int}", async (string microstructureId, int year, TeamInput? input, HttpContext context, OrgTreeService tree, CancellationToken ct) =>
            (await tree.SetTeamAsync(microstructureId, year, input ?? new TeamInput(null, null, null, null), context.GetNetworkCaller().Actor, ct)).ToHttp(s => TypedResults.Ok(s.Value)));
    }

    private static readonly MicrostructureInput EmptyMicrostructure = new(null, null, null, null, null, null, null, null);

    // The CSV file is the raw body (text/csv), as the staff page's file upload sends it.
    internal static async Task<IResult> ImportAsync(HttpRequest request, OrgTreeImport import, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > MaxImportBytes)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Le fichier dépasse 4 Mo : découpez-le."] }, title: "Requête invalide");
        }
        using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var csv = await reader.ReadToEndAsync(cancellationToken);
        return (await import.ImportAsync(csv, Actor.Staff, cancellationToken)).ToHttp();
    }

    internal static async Task<IResult> GetAuditAsync(string entityType, string entityId, AuditTrail audit, CancellationToken cancellationToken)
    {
        if (!AuditEntityTypes.IsKnown(entityType) || !OrgTreeStore.IsStorableKey(entityId))
        {
            return TypedResults.Problem(title: "Introuvable", detail: "Type d'entité inconnu : region, network, microstructure ou event.", statusCode: StatusCodes.Status404NotFound);
        }
        return TypedResults.Ok(await audit.ListAsync(entityType, entityId, cancellationToken: cancellationToken));
    }
}
