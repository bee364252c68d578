using Microsoft.Extensions.Logging;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;

namespace Microstructures.Core.ReferenceData;

// Microstructures: created in an open network, never moved to another one here, closed no earlier
// than they opened; a single one is answered with its teams.
public sealed class MicrostructureUnits(OrgTreeStore store, AuditTrail audit, TimeProvider time, ILogger<MicrostructureUnits> logger)
    : OrgUnits<MicrostructureEntity, MicrostructureInput, MicrostructureValues, Microstructure>(store, audit, time, logger)
{
    protected override string EntityType => AuditEntityTypes.Microstructure;

    protected override (MicrostructureValues? Values, ValidationErrors Errors) Validate(MicrostructureInput input, string? routeId) => OrgTreeValidation.Microstructure(input, routeId);

    protected override string IdOf(MicrostructureValues values) => values.Id;

    protected override string? VersionOf(MicrostructureInput input) => input.Version;

    protected override string VersionOf(Microstructure model) => model.Version;

    protected override Task<MicrostructureEntity?> GetAsync(string id, CancellationToken cancellationToken) => Store.FindMicrostructureAsync(id, cancellationToken);

    protected override MicrostructureEntity Create(MicrostructureValues values)
    {
        var entity = new MicrostructureEntity { PartitionKey = OrgTreeStore.MicrostructurePartition(values.NetworkId), RowKey = values.Id };
        Apply(entity, values);
        return entity;
    }

    protected override void Apply(MicrostructureEntity entity, MicrostructureValues values)
    {
        entity.NetworkId = values.NetworkId;
        entity.Name = values.Name;
        entity.Town = values.Town;
        entity.Postcode = values.Postcode;
        entity.PracticeType = values.PracticeType;
        entity.ContactEmails = string.Join(';', values.ContactEmails);
        entity.OpenedOn = values.OpenedOn;
    }

    public override Microstructure ToModel(MicrostructureEntity entity) => OrgTreeService.ToModel(entity);

    protected override Task<bool> TryAddAsync(MicrostructureEntity entity, CancellationToken cancellationToken) => Store.TryAddMicrostructureAsync(entity, cancellationToken);

    protected override async Task<ValidationErrors?> CheckPlacementAsync(MicrostructureEntity? existing, MicrostructureValues values, CancellationToken cancellationToken)
    {
        if (existing is not null)
        {
            return existing.NetworkId == values.NetworkId ? null
                : new ValidationErrors().Add("networkId", $"Cette microstructure appartient au réseau « {existing.NetworkId} » : le changement de réseau n'est pas possible ici.");
        }
        return await Store.GetNetworkAsync(values.NetworkId, cancellationToken) switch
        {
            null => new ValidationErrors().Add("networkId", $"Le réseau « {values.NetworkId} » n'existe pas : créez-le d'abord."),
            { ClosedOn: not null } => new ValidationErrors().Add("networkId", $"Le réseau « {values.NetworkId} » est fermé."),
            _ => null,
        };
    }

    protected override string OpenedOn(MicrostructureEntity entity) => entity.OpenedOn;

    protected override async Task<Microstructure> CompleteAsync(Microstructure model, CancellationToken cancellationToken) =>
        model with
        {
            Teams = (await Store.ListTeamsAsync(model.Id, cancellationToken))
                .Select(t => new TeamComposition(model.Id, t.Year, t.Gps, t.Psychologists, t.SocialWorkers, t.Psychiatrists)).OrderBy(t => t.Year).ToList(),
        };

    protected override string NotFound(string id) => $"Aucune microstructure n'a l'identifiant « {id} ».";

    protected override string Exists(string id) => $"La microstructure « {id} » existe déjà.";
}
