using Microsoft.Extensions.Logging;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;

namespace Microstructures.Core.ReferenceData;

// Regions: closed only once their networks are.
public sealed class RegionUnits(OrgTreeStore store, AuditTrail audit, TimeProvider time, ILogger<RegionUnits> logger)
    : OrgUnits<RegionEntity, RegionInput, RegionValues, Region>(store, audit, time, logger)
{
    protected override string EntityType => AuditEntityTypes.Region;

    protected override (RegionValues? Values, ValidationErrors Errors) Validate(RegionInput input, string? routeId) => OrgTreeValidation.Region(input, routeId);

    protected override string IdOf(RegionValues values) => values.Id;

    protected override string? VersionOf(RegionInput input) => input.Version;

    protected override string VersionOf(Region model) => model.Version;

    protected override Task<RegionEntity?> GetAsync(string id, CancellationToken cancellationToken) => Store.GetRegionAsync(id, cancellationToken);

    protected override RegionEntity Create(RegionValues values) => new() { RowKey = values.Id, Name = values.Name };

    protected override void Apply(RegionEntity entity, RegionValues values) => entity.Name = values.Name;

    public override Region ToModel(RegionEntity entity) => OrgTreeService.ToModel(entity);

    protected override async Task<string?> OpenChildrenAsync(string id, CancellationToken cancellationToken)
    {
        // Named as staff know them, not by their ids.
        var open = (await Store.ListNetworksAsync(cancellationToken)).Where(n => n.RegionId == id && n.ClosedOn is null).Select(n => $"«\u00A0{n.Name}\u00A0»").ToList();
        return open.Count > 0 ? $"Fermez d'abord les réseaux encore ouverts de cette région\u00A0: {string.Join(", ", open)}." : null;
    }

    protected override string NotFound(string id) => $"Aucune région n'a l'identifiant « {id} ».";

    protected override string Exists(string id) => $"La région « {id} » existe déjà.";
}
