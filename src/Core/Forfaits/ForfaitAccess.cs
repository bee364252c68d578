using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

// Who may touch what. A network (Actor.NetworkId set: a network key, or a digest link of that network)
// reaches only its own microstructures and their forfaits (OrgTreeService.CheckAccessAsync); another
// network's forfait is answered as not found, revealing nothing. The staff reach all.
public sealed class ForfaitAccess(ForfaitStore store, OrgTreeService tree, OrgTreeStore orgStore)
{
    // The forfait, if the actor may see it (null otherwise: answered as not found).
    public async Task<ForfaitEntity?> LocateAsync(string forfaitId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (await store.FindAsync(forfaitId, cancellationToken) is not { } lookup)
        {
            return null;
        }
        if (actor.NetworkId is { } networkId && await tree.CheckAccessAsync(networkId, lookup.MicrostructureId, cancellationToken) != MicrostructureAccess.Allowed)
        {
            return null;
        }
        return await store.GetAsync(lookup.MicrostructureId, forfaitId, cancellationToken);
    }

    // The microstructure if the actor may include patients there: its own network's, or any for the staff.
    public async Task<MicrostructureEntity?> FindMicrostructureAsync(string microstructureId, Actor actor, CancellationToken cancellationToken = default)
    {
        if (actor.NetworkId is { } networkId)
        {
            return await tree.CheckAccessAsync(networkId, microstructureId, cancellationToken) == MicrostructureAccess.Allowed
                ? await orgStore.GetMicrostructureAsync(networkId, microstructureId, cancellationToken)
                : null;
        }
        return Slugs.IsValid(microstructureId) ? await orgStore.FindMicrostructureAsync(microstructureId, cancellationToken) : null;
    }

    public async Task<ValidationErrors> MicrostructureRefusalAsync(string microstructureId, Actor actor, CancellationToken cancellationToken = default)
    {
        var access = actor.NetworkId is { } networkId ? await tree.CheckAccessAsync(networkId, microstructureId, cancellationToken) : MicrostructureAccess.Unknown;
        return new ValidationErrors().Add("microstructureId", access == MicrostructureAccess.OtherNetwork
            ? $"La microstructure « {microstructureId} » n'appartient pas à votre réseau."
            : $"Aucune microstructure n'a l'identifiant « {microstructureId} ».");
    }
}
