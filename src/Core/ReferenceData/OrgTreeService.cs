using Microstructures.Core.Audit;
using Microstructures.Core.Common;

namespace Microstructures.Core.ReferenceData;

// Use cases of the org tree: list, get, create, update, close (never delete: data refers to these ids).
// Create, update and close are written once (OrgUnits) for the three levels. Every change is recorded
// in the audit trail with its actor; a request that changes nothing records nothing.
public sealed class OrgTreeService(OrgTreeStore store, AuditTrail audit, TimeProvider time, RegionUnits regions, NetworkUnits networks, MicrostructureUnits microstructures)
{
    // Names are sorted as a French reader expects (accents, case).
    private static readonly StringComparer French = StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("fr-FR"), ignoreCase: true);

    public async Task<OrgTree> GetTreeAsync(CancellationToken cancellationToken = default)
    {
        var regions = await store.ListRegionsAsync(cancellationToken);
        var networks = await store.ListNetworksAsync(cancellationToken);
        var microstructures = (await store.ListAllMicrostructuresAsync(cancellationToken)).Select(ToModel).ToLookup(m => m.NetworkId, StringComparer.Ordinal);
        var byRegion = networks.Select(ToModel).ToLookup(n => n.RegionId, StringComparer.Ordinal);
        return new OrgTree(regions.Select(ToModel).OrderBy(r => r.Name, French)
            .Select(r => new OrgTreeRegion(r, byRegion[r.Id].OrderBy(n => n.Name, French)
                .Select(n => new OrgTreeNetwork(n, microstructures[n.Id].OrderBy(m => m.Name, French).ToList()))
                .ToList()))
            .ToList());
    }

    // ---- Regions

    public async Task<IReadOnlyList<Region>> ListRegionsAsync(CancellationToken cancellationToken = default) =>
        (await store.ListRegionsAsync(cancellationToken)).Select(ToModel).OrderBy(r => r.Name, French).ToList();

    public Task<Result<Region>> GetRegionAsync(string regionId, CancellationToken cancellationToken = default) => regions.GetOneAsync(regionId, cancellationToken);

    public Task<Result<Region>> CreateRegionAsync(RegionInput input, Actor actor, CancellationToken cancellationToken = default) => regions.CreateAsync(input, actor, cancellationToken);

    public Task<Result<Region>> UpdateRegionAsync(string regionId, RegionInput input, Actor actor, CancellationToken cancellationToken = default) =>
        regions.UpdateAsync(regionId, input, actor, cancellationToken);

    public Task<Result<Saved<Region>>> UpsertRegionAsync(RegionValues values, Actor actor, CancellationToken cancellationToken = default) => regions.UpsertAsync(values, actor, cancellationToken);

    public Task<Result<Region>> CloseRegionAsync(string regionId, CloseInput? input, Actor actor, CancellationToken cancellationToken = default) =>
        regions.CloseAsync(regionId, input, actor, cancellationToken);

    // ---- Networks

    public async Task<IReadOnlyList<Network>> ListNetworksAsync(string? regionId = null, CancellationToken cancellationToken = default) =>
        (await store.ListNetworksAsync(cancellationToken)).Select(ToModel)
            .Where(n => regionId is null || n.RegionId == regionId)
            .OrderBy(n => n.Name, French).ToList();

    public Task<Result<Network>> GetNetworkAsync(string networkId, CancellationToken cancellationToken = default) => networks.GetOneAsync(networkId, cancellationToken);

    public Task<Result<Network>> CreateNetworkAsync(NetworkInput input, Actor actor, CancellationToken cancellationToken = default) => networks.CreateAsync(input, actor, cancellationToken);

    public Task<Result<Network>> UpdateNetworkAsync(string networkId, NetworkInput input, Actor actor, CancellationToken cancellationToken = default) =>
        networks.UpdateAsync(networkId, input, actor, cancellationToken);

    public Task<Result<Saved<Network>>> UpsertNetworkAsync(NetworkValues values, Actor actor, CancellationToken cancellationToken = default) => networks.UpsertAsync(values, actor, cancellationToken);

    public Task<Result<Network>> CloseNetworkAsync(string networkId, CloseInput? input, Actor actor, CancellationToken cancellationToken = default) =>
        networks.CloseAsync(networkId, input, actor, cancellationToken);

    // ---- Microstructures

    public async Task<Result<IReadOnlyList<Microstructure>>> ListMicrostructuresAsync(string? networkId, CancellationToken cancellationToken = default)
    {
        if (networkId is null)
        {
            return Result<IReadOnlyList<Microstructure>>.Success((await store.ListAllMicrostructuresAsync(cancellationToken)).Select(ToModel).OrderBy(m => m.Name, French).ToList());
        }
        if (await store.GetNetworkAsync(networkId, cancellationToken) is null)
        {
            return Result<IReadOnlyList<Microstructure>>.NotFound($"Aucun réseau n'a l'identifiant « {networkId} ».");
        }
        return Result<IReadOnlyList<Microstructure>>.Success((await store.ListMicrostructuresAsync(networkId, cancellationToken)).Select(ToModel).OrderBy(m => m.Name, French).ToList());
    }

    public Task<Result<Microstructure>> GetMicrostructureAsync(string microstructureId, CancellationToken cancellationToken = default) =>
        microstructures.GetOneAsync(microstructureId, cancellationToken);

    public Task<Result<Microstructure>> CreateMicrostructureAsync(MicrostructureInput input, Actor actor, CancellationToken cancellationToken = default) =>
        microstructures.CreateAsync(input, actor, cancellationToken);

    public Task<Result<Microstructure>> UpdateMicrostructureAsync(string microstructureId, MicrostructureInput input, Actor actor, CancellationToken cancellationToken = default) =>
        microstructures.UpdateAsync(microstructureId, input, actor, cancellationToken);

    public Task<Result<Saved<Microstructure>>> UpsertMicrostructureAsync(MicrostructureValues values, Actor actor, CancellationToken cancellationToken = default) =>
        microstructures.UpsertAsync(values, actor, cancellationToken);

    public Task<Result<Microstructure>> CloseMicrostructureAsync(string microstructureId, CloseInput? input, Actor actor, CancellationToken cancellationToken = default) =>
        microstructures.CloseAsync(microstructureId, input, actor, cancellationToken);

    // Team composition of one year: a whole replacement, audited on the microstructure.
    public async Task<Result<Saved<TeamComposition>>> SetTeamAsync(string microstructureId, int year, TeamInput input, Actor actor, CancellationToken cancellationToken = default)
    {
        var (values, errors) = OrgTreeValidation.Team(input, year, time);
        if (values is null)
        {
            return errors;
        }
        if (await store.FindNetworkOfMicrostructureAsync(microstructureId, cancellationToken) is null)
        {
            return Result<Saved<TeamComposition>>.NotFound($"Aucune microstructure n'a l'identifiant « {microstructureId} ».");
        }
        var existing = await store.GetTeamAsync(microstructureId, year, cancellationToken);
        var after = new TeamComposition(microstructureId, year, values.Gps, values.Psychologists, values.SocialWorkers, values.Psychiatrists);
        var before = existing is null ? null : ToModel(microstructureId, existing);
        if (before == after)
        {
            return Result<Saved<TeamComposition>>.Success(new(after, SaveOutcome.Unchanged));
        }
        // A network and the staff may both write a year's team: the read ETag guards the write.
        var entity = existing ?? new TeamEntity { PartitionKey = OrgTreeStore.IndexPartition(microstructureId), RowKey = OrgTreeStore.TeamRowKey(year), Year = year };
        entity.Gps = values.Gps;
        entity.Psychologists = values.Psychologists;
        entity.SocialWorkers = values.SocialWorkers;
        entity.Psychiatrists = values.Psychiatrists;
        if (!(existing is null ? await store.TryAddAsync(entity, cancellationToken) : await store.TryReplaceAsync(entity, cancellationToken)))
        {
            return Result<Saved<TeamComposition>>.Conflict(MicrostructureUnits.ChangedMeanwhile);
        }
        await audit.RecordAsync(AuditEntityTypes.Microstructure, microstructureId, actor, "team" + year.ToString(System.Globalization.CultureInfo.InvariantCulture), before, after, cancellationToken);
        return Result<Saved<TeamComposition>>.Success(new(after, before is null ? SaveOutcome.Created : SaveOutcome.Updated));
    }

    // The question every network endpoint asks: one point read when the answer is yes.
    public async Task<MicrostructureAccess> CheckAccessAsync(string networkId, string microstructureId, CancellationToken cancellationToken = default)
    {
        if (Slugs.IsValid(networkId) && Slugs.IsValid(microstructureId) && await store.GetMicrostructureAsync(networkId, microstructureId, cancellationToken) is not null)
        {
            return MicrostructureAccess.Allowed;
        }
        return Slugs.IsValid(microstructureId) && await store.FindNetworkOfMicrostructureAsync(microstructureId, cancellationToken) is not null
            ? MicrostructureAccess.OtherNetwork
            : MicrostructureAccess.Unknown;
    }

    public static Region ToModel(RegionEntity e) => new(e.RowKey, e.Name, e.ClosedOn, e.ETag.ToString());

    public static Network ToModel(NetworkEntity e) =>
        new(e.RowKey, e.Name, e.CarryingAssociation, e.RegionId, e.AdministrativeCoordinatorEmail, e.MedicalCoordinatorEmail, e.ClosedOn, e.ETag.ToString());

    public static Microstructure ToModel(MicrostructureEntity e) =>
        new(e.RowKey, e.NetworkId, e.Name, e.Town, e.Postcode, e.PracticeType,
            e.ContactEmails.Split(';', StringSplitOptions.RemoveEmptyEntries), e.OpenedOn, e.ClosedOn, e.ETag.ToString());

    private static TeamComposition ToModel(string microstructureId, TeamEntity t) =>
        new(microstructureId, t.Year, t.Gps, t.Psychologists, t.SocialWorkers, t.Psychiatrists);
}
