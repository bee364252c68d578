using Microsoft.Extensions.Logging;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;

namespace Microstructures.Core.ReferenceData;

// Networks: created in (or moved to) an open region, closed only once their microstructures are.
public sealed class NetworkUnits(OrgTreeStore store, AuditTrail audit, TimeProvider time, ILogger<NetworkUnits> logger)
    : OrgUnits<NetworkEntity, NetworkInput, NetworkValues, Network>(store, audit, time, logger)
{
    protected override string EntityType => AuditEntityTypes.Network;

    protected override (NetworkValues? Values, ValidationErrors Errors) Validate(NetworkInput input, string? routeId) => OrgTreeValidation.Network(input, routeId);

    protected override string IdOf(NetworkValues values) => values.Id;

    protected override string? VersionOf(NetworkInput input) => input.Version;

    protected override string VersionOf(Network model) => model.Version;

    protected override Task<NetworkEntity?> GetAsync(string id, CancellationToken cancellationToken) => Store.GetNetworkAsync(id, cancellationToken);

    protected override NetworkEntity Create(NetworkValues values)
    {
        var entity = new NetworkEntity { RowKey = values.Id };
        Apply(entity, values);
        return entity;
    }

    protected override void Apply(NetworkEntity entity, NetworkValues values)
    {
        entity.Name = values.Name;
        entity.CarryingAssociation = values.CarryingAssociation;
        entity.RegionId = values.RegionId;
        entity.AdministrativeCoordinatorEmail = values.AdministrativeCoordinatorEmail;
        entity.MedicalCoordinatorEmail = values.MedicalCoordinatorEmail;
    }

    public override Network ToModel(NetworkEntity entity) => OrgTreeService.ToModel(entity);

    protected override async Task<ValidationErrors?> CheckPlacementAsync(NetworkEntity? existing, NetworkValues values, CancellationToken cancellationToken)
    {
        if (existing is not null && existing.RegionId == values.RegionId)
        {
            return null;
        }
        return await Store.GetRegionAsync(values.RegionId, cancellationToken) switch
        {
            null => new ValidationErrors().Add("regionId", $"La région « {values.RegionId} » n'existe pas : créez-la d'abord."),
            { ClosedOn: not null } => new ValidationErrors().Add("regionId", $"La région « {values.RegionId} » est fermée."),
            _ => null,
        };
    }

    protected override async Task<string?> OpenChildrenAsync(string id, CancellationToken cancellationToken)
    {
        var open = (await Store.ListMicrostructuresAsync(id, cancellationToken)).Where(m => m.ClosedOn is null).Select(m => $"«\u00A0{m.Name}\u00A0»").ToList();
        return open.Count > 0 ? $"Fermez d'abord les microstructures encore ouvertes de ce réseau\u00A0: {string.Join(", ", open)}." : null;
    }

    protected override string NotFound(string id) => $"Aucun réseau n'a l'identifiant « {id} ».";

    protected override string Exists(string id) => $"Le réseau « {id} » existe déjà.";
}
