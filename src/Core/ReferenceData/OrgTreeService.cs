using Azure;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;

namespace Microstructures.Core.ReferenceData;

public enum SaveOutcome
{
    Created,
    Updated,
    Unchanged,
}

public sealed record Saved<T>(T Value, SaveOutcome Outcome);

public enum MicrostructureAccess
{
    Allowed,
    OtherNetwork,
    Unknown,
}

// Use cases of the org tree: list, get, create, update, close (never delete: data refers to these ids).
// Every change is recorded in the audit trail with its actor; a request that changes nothing records nothing.
public sealed partial class OrgTreeService(OrgTreeStore store, AuditTrail audit, TimeProvider time, ILogger<OrgTreeService> logger)
{
    // Names are sorted as a French reader expects (accents, case).
    private static readonly StringComparer French = StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("fr-FR"), ignoreCase: true);

    private const string ChangedMeanwhile = "Cette fiche a été modifiée entre-temps par quelqu'un d'autre : rechargez-la puis recommencez.";

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

    public async Task<Result<Region>> GetRegionAsync(string regionId, CancellationToken cancellationToken = default) =>
        await store.GetRegionAsync(regionId, cancellationToken) is { } e ? Result<Region>.Success(ToModel(e)) : RegionNotFound<Region>(regionId);

    public async Task<Result<Region>> CreateRegionAsync(RegionInput input, Actor actor, CancellationToken cancellationToken = default)
    {
        var (values, errors) = OrgTreeValidation.Region(input);
        if (values is null)
        {
            return errors;
        }
        var entity = new RegionEntity { RowKey = values.Id, Name = values.Name };
        if (!await store.TryAddAsync(entity, cancellationToken))
        {
            return Result<Region>.Conflict($"La région « {values.Id} » existe déjà.");
        }
        return await RecordedAsync(AuditEntityTypes.Region, values.Id, actor, "created", null, ToModel(entity), cancellationToken);
    }

    public async Task<Result<Region>> UpdateRegionAsync(string regionId, RegionInput input, Actor actor, CancellationToken cancellationToken = default)
    {
        var (values, errors) = OrgTreeValidation.Region(input, regionId);
        if (values is null)
        {
            return errors;
        }
        if (await store.GetRegionAsync(regionId, cancellationToken) is not { } entity)
        {
            return RegionNotFound<Region>(regionId);
        }
        var saved = await SaveRegionAsync(entity, values, input.Version, actor, cancellationToken);
        return saved.IsSuccess ? Result<Region>.Success(saved.Value!.Value) : Result<Region>.Conflict(saved.Detail!);
    }

    // Creates or updates from validated values (the CSV import); unchanged values write nothing.
    public async Task<Result<Saved<Region>>> UpsertRegionAsync(RegionValues values, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (await store.GetRegionAsync(values.Id, cancellationToken) is { } entity)
        {
            return await SaveRegionAsync(entity, values, null, actor, cancellationToken);
        }
        var created = await CreateRegionAsync(new RegionInput(values.Id, values.Name), actor, cancellationToken);
        return created.IsSuccess ? Result<Saved<Region>>.Success(new(created.Value!, SaveOutcome.Created)) : Result<Saved<Region>>.Conflict(created.Detail ?? ChangedMeanwhile);
    }

    private async Task<Result<Saved<Region>>> SaveRegionAsync(RegionEntity entity, RegionValues values, string? version, Actor actor, CancellationToken cancellationToken)
    {
        var before = ToModel(entity);
        if (version is not null && version != before.Version)
        {
            return Result<Saved<Region>>.Conflict(ChangedMeanwhile);
        }
        entity.Name = values.Name;
        return await SaveAsync(AuditEntityTypes.Region, entity, before, ToModel, actor, cancellationToken);
    }

    public async Task<Result<Region>> CloseRegionAsync(string regionId, CloseInput? input, Actor actor, CancellationToken cancellationToken = default)
    {
        if (await store.GetRegionAsync(regionId, cancellationToken) is not { } entity)
        {
            return RegionNotFound<Region>(regionId);
        }
        var (date, errors) = OrgTreeValidation.ClosedOn(input, "", time);
        if (date is null)
        {
            return errors;
        }
        if (entity.ClosedOn is not null)
        {
            return Result<Region>.Success(ToModel(entity));
        }
        // Named as staff know them, not by their ids.
        var open = (await store.ListNetworksAsync(cancellationToken)).Where(n => n.RegionId == regionId && n.ClosedOn is null).Select(n => $"«\u00A0{n.Name}\u00A0»").ToList();
        if (open.Count > 0)
        {
            return Result<Region>.Conflict($"Fermez d'abord les réseaux encore ouverts de cette région\u00A0: {string.Join(", ", open)}.");
        }
        var before = ToModel(entity);
        entity.ClosedOn = OrgDates.ToText(date.Value);
        var saved = await SaveAsync(AuditEntityTypes.Region, entity, before, ToModel, actor, cancellationToken, "closed");
        return saved.IsSuccess ? Result<Region>.Success(saved.Value!.Value) : Result<Region>.Conflict(saved.Detail!);
    }

    // ---- Networks

    public async Task<IReadOnlyList<Network>> ListNetworksAsync(string? regionId = null, CancellationToken cancellationToken = default) =>
        (await store.ListNetworksAsync(cancellationToken)).Select(ToModel)
            .Where(n => regionId is null || n.RegionId == regionId)
            .OrderBy(n => n.Name, French).ToList();

    public async Task<Result<Network>> GetNetworkAsync(string networkId, CancellationToken cancellationToken = default) =>
        await store.GetNetworkAsync(networkId, cancellationToken) is { } e ? Result<Network>.Success(ToModel(e)) : NetworkNotFound<Network>(networkId);

    public async Task<Result<Network>> CreateNetworkAsync(NetworkInput input, Actor actor, CancellationToken cancellationToken = default)
    {
        var (values, errors) = OrgTreeValidation.Network(input);
        if (values is null)
        {
            return errors;
        }
        if (await CheckRegionOpenAsync(values.RegionId, cancellationToken) is { } regionErrors)
        {
            return regionErrors;
        }
        var entity = new NetworkEntity { RowKey = values.Id };
        Apply(entity, values);
        if (!await store.TryAddAsync(entity, cancellationToken))
        {
            return Result<Network>.Conflict($"Le réseau « {values.Id} » existe déjà.");
        }
        return await RecordedAsync(AuditEntityTypes.Network, values.Id, actor, "created", null, ToModel(entity), cancellationToken);
    }

    public async Task<Result<Network>> UpdateNetworkAsync(string networkId, NetworkInput input, Actor actor, CancellationToken cancellationToken = default)
    {
        var (values, errors) = OrgTreeValidation.Network(input, networkId);
        if (values is null)
        {
            return errors;
        }
        if (await store.GetNetworkAsync(networkId, cancellationToken) is not { } entity)
        {
            return NetworkNotFound<Network>(networkId);
        }
        if (values.RegionId != entity.RegionId && await CheckRegionOpenAsync(values.RegionId, cancellationToken) is { } regionErrors)
        {
            return regionErrors;
        }
        var saved = await SaveNetworkAsync(entity, values, input.Version, actor, cancellationToken);
        return saved.IsSuccess ? Result<Network>.Success(saved.Value!.Value) : Result<Network>.Conflict(saved.Detail!);
    }

    public async Task<Result<Saved<Network>>> UpsertNetworkAsync(NetworkValues values, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (await store.GetNetworkAsync(values.Id, cancellationToken) is { } entity)
        {
            if (values.RegionId != entity.RegionId && await CheckRegionOpenAsync(values.RegionId, cancellationToken) is { } regionErrors)
            {
                return regionErrors;
            }
            return await SaveNetworkAsync(entity, values, null, actor, cancellationToken);
        }
        var created = await CreateNetworkAsync(new NetworkInput(values.Id, values.Name, values.CarryingAssociation, values.RegionId, values.AdministrativeCoordinatorEmail, values.MedicalCoordinatorEmail), actor, cancellationToken);
        return created.Kind switch
        {
            ResultKind.Success => Result<Saved<Network>>.Success(new(created.Value!, SaveOutcome.Created)),
            ResultKind.Invalid => Result<Saved<Network>>.Invalid(created.Errors),
            _ => Result<Saved<Network>>.Conflict(created.Detail ?? ChangedMeanwhile),
        };
    }

    private async Task<Result<Saved<Network>>> SaveNetworkAsync(NetworkEntity entity, NetworkValues values, string? version, Actor actor, CancellationToken cancellationToken)
    {
        var before = ToModel(entity);
        if (version is not null && version != before.Version)
        {
            return Result<Saved<Network>>.Conflict(ChangedMeanwhile);
        }
        Apply(entity, values);
        return await SaveAsync(AuditEntityTypes.Network, entity, before, ToModel, actor, cancellationToken);
    }

    public async Task<Result<Network>> CloseNetworkAsync(string networkId, CloseInput? input, Actor actor, CancellationToken cancellationToken = default)
    {
        if (await store.GetNetworkAsync(networkId, cancellationToken) is not { } entity)
        {
            return NetworkNotFound<Network>(networkId);
        }
        var (date, errors) = OrgTreeValidation.ClosedOn(input, "", time);
        if (date is null)
        {
            return errors;
        }
        if (entity.ClosedOn is not null)
        {
            return Result<Network>.Success(ToModel(entity));
        }
        var open = (await store.ListMicrostructuresAsync(networkId, cancellationToken)).Where(m => m.ClosedOn is null).Select(m => $"«\u00A0{m.Name}\u00A0»").ToList();
        if (open.Count > 0)
        {
            return Result<Network>.Conflict($"Fermez d'abord les microstructures encore ouvertes de ce réseau\u00A0: {string.Join(", ", open)}.");
        }
        var before = ToModel(entity);
        entity.ClosedOn = OrgDates.ToText(date.Value);
        var saved = await SaveAsync(AuditEntityTypes.Network, entity, before, ToModel, actor, cancellationToken, "closed");
        return saved.IsSuccess ? Result<Network>.Success(saved.Value!.Value) : Result<Network>.Conflict(saved.Detail!);
    }

    // ---- Microstructures

    public async Task<Result<IReadOnlyList<Microstructure>>> ListMicrostructuresAsync(string? networkId, CancellationToken cancellationToken = default)
    {
        if (networkId is null)
        {
            return Result<IReadOnlyList<Microstructure>>.Success((await store.ListAllMicrostructuresAsync(cancellationToken)).Select(ToModel).OrderBy(m => m.Name, French).ToList());
        }
        if (await store.GetNetworkAsync(networkId, cancellationToken) is null)
        {
            return NetworkNotFound<IReadOnlyList<Microstructure>>(networkId);
        }
        return Result<IReadOnlyList<Microstructure>>.Success((await store.ListMicrostructuresAsync(networkId, cancellationToken)).Select(ToModel).OrderBy(m => m.Name, French).ToList());
    }

    public async Task<Result<Microstructure>> GetMicrostructureAsync(string microstructureId, CancellationToken cancellationToken = default)
    {
        if (await store.FindMicrostructureAsync(microstructureId, cancellationToken) is not { } entity)
        {
            return MicrostructureNotFound<Microstructure>(microstructureId);
        }
        return Result<Microstructure>.Success(await WithTeamsAsync(ToModel(entity), cancellationToken));
    }

    public async Task<Result<Microstructure>> CreateMicrostructureAsync(MicrostructureInput input, Actor actor, CancellationToken cancellationToken = default)
    {
        var (values, errors) = OrgTreeValidation.Microstructure(input);
        if (values is null)
        {
            return errors;
        }
        if (await CheckNetworkOpenAsync(values.NetworkId, cancellationToken) is { } networkErrors)
        {
            return networkErrors;
        }
        var entity = new MicrostructureEntity { PartitionKey = OrgTreeStore.MicrostructurePartition(values.NetworkId), RowKey = values.Id };
        Apply(entity, values);
        if (!await store.TryAddMicrostructureAsync(entity, cancellationToken))
        {
            return Result<Microstructure>.Conflict($"La microstructure « {values.Id} » existe déjà.");
        }
        return await RecordedAsync(AuditEntityTypes.Microstructure, values.Id, actor, "created", null, ToModel(entity), cancellationToken);
    }

    public async Task<Result<Microstructure>> UpdateMicrostructureAsync(string microstructureId, MicrostructureInput input, Actor actor, CancellationToken cancellationToken = default)
    {
        var (values, errors) = OrgTreeValidation.Microstructure(input, microstructureId);
        if (values is null)
        {
            return errors;
        }
        if (await store.FindMicrostructureAsync(microstructureId, cancellationToken) is not { } entity)
        {
            return MicrostructureNotFound<Microstructure>(microstructureId);
        }
        if (MovedErrors(entity, values) is { } moved)
        {
            return moved;
        }
        var saved = await SaveMicrostructureAsync(entity, values, input.Version, actor, cancellationToken);
        return saved.IsSuccess ? Result<Microstructure>.Success(await WithTeamsAsync(saved.Value!.Value, cancellationToken)) : Result<Microstructure>.Conflict(saved.Detail!);
    }

    public async Task<Result<Saved<Microstructure>>> UpsertMicrostructureAsync(MicrostructureValues values, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (await store.FindMicrostructureAsync(values.Id, cancellationToken) is { } entity)
        {
            if (MovedErrors(entity, values) is { } moved)
            {
                return moved;
            }
            return await SaveMicrostructureAsync(entity, values, null, actor, cancellationToken);
        }
        var created = await CreateMicrostructureAsync(new MicrostructureInput(values.Id, values.NetworkId, values.Name, values.Town, values.Postcode, values.PracticeType, values.ContactEmails, values.OpenedOn), actor, cancellationToken);
        return created.Kind switch
        {
            ResultKind.Success => Result<Saved<Microstructure>>.Success(new(created.Value!, SaveOutcome.Created)),
            ResultKind.Invalid => Result<Saved<Microstructure>>.Invalid(created.Errors),
            _ => Result<Saved<Microstructure>>.Conflict(created.Detail ?? ChangedMeanwhile),
        };
    }

    private async Task<Result<Saved<Microstructure>>> SaveMicrostructureAsync(MicrostructureEntity entity, MicrostructureValues values, string? version, Actor actor, CancellationToken cancellationToken)
    {
        var before = ToModel(entity);
        if (version is not null && version != before.Version)
        {
            return Result<Saved<Microstructure>>.Conflict(ChangedMeanwhile);
        }
        Apply(entity, values);
        return await SaveAsync(AuditEntityTypes.Microstructure, entity, before, ToModel, actor, cancellationToken);
    }

    public async Task<Result<Microstructure>> CloseMicrostructureAsync(string microstructureId, CloseInput? input, Actor actor, CancellationToken cancellationToken = default)
    {
        if (await store.FindMicrostructureAsync(microstructureId, cancellationToken) is not { } entity)
        {
            return MicrostructureNotFound<Microstructure>(microstructureId);
        }
        var (date, errors) = OrgTreeValidation.ClosedOn(input, entity.OpenedOn, time);
        if (date is null)
        {
            return errors;
        }
        if (entity.ClosedOn is not null)
        {
            return Result<Microstructure>.Success(ToModel(entity));
        }
        var before = ToModel(entity);
        entity.ClosedOn = OrgDates.ToText(date.Value);
        var saved = await SaveAsync(AuditEntityTypes.Microstructure, entity, before, ToModel, actor, cancellationToken, "closed");
        return saved.IsSuccess ? Result<Microstructure>.Success(saved.Value!.Value) : Result<Microstructure>.Conflict(saved.Detail!);
    }

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
            return MicrostructureNotFound<Saved<TeamComposition>>(microstructureId);
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
            return Result<Saved<TeamComposition>>.Conflict(ChangedMeanwhile);
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

    // ---- Shared

    private async Task<Result<T>> RecordedAsync<T>(string entityType, string id, Actor actor, string action, T? before, T after, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(entityType, id, actor, action, before, after, cancellationToken);
        LogChanged(entityType, id, action, actor.Kind, actor.Id);
        return Result<T>.Success(after);
    }

    private async Task<Result<Saved<TModel>>> SaveAsync<TEntity, TModel>(string entityType, TEntity entity, TModel before, Func<TEntity, TModel> toModel, Actor actor, CancellationToken cancellationToken, string action = "updated")
        where TEntity : class, Azure.Data.Tables.ITableEntity
    {
        if (AuditTrail.Diff(before, toModel(entity)).Count == 0)
        {
            return Result<Saved<TModel>>.Success(new(before, SaveOutcome.Unchanged));
        }
        if (!await store.TryReplaceAsync(entity, cancellationToken))
        {
            return Result<Saved<TModel>>.Conflict(ChangedMeanwhile);
        }
        var after = toModel(entity);
        await RecordedAsync(entityType, entity.RowKey, actor, action, before, after, cancellationToken);
        return Result<Saved<TModel>>.Success(new(after, SaveOutcome.Updated));
    }

    private async Task<Microstructure> WithTeamsAsync(Microstructure microstructure, CancellationToken cancellationToken) =>
        microstructure with
        {
            Teams = (await store.ListTeamsAsync(microstructure.Id, cancellationToken)).Select(t => ToModel(microstructure.Id, t)).OrderBy(t => t.Year).ToList(),
        };

    private async Task<ValidationErrors?> CheckRegionOpenAsync(string regionId, CancellationToken cancellationToken) =>
        await store.GetRegionAsync(regionId, cancellationToken) switch
        {
            null => new ValidationErrors().Add("regionId", $"La région « {regionId} » n'existe pas : créez-la d'abord."),
            { ClosedOn: not null } => new ValidationErrors().Add("regionId", $"La région « {regionId} » est fermée."),
            _ => null,
        };

    private async Task<ValidationErrors?> CheckNetworkOpenAsync(string networkId, CancellationToken cancellationToken) =>
        await store.GetNetworkAsync(networkId, cancellationToken) switch
        {
            null => new ValidationErrors().Add("networkId", $"Le réseau « {networkId} » n'existe pas : créez-le d'abord."),
            { ClosedOn: not null } => new ValidationErrors().Add("networkId", $"Le réseau « {networkId} » est fermé."),
            _ => null,
        };

    private static ValidationErrors? MovedErrors(MicrostructureEntity entity, MicrostructureValues values) =>
        entity.NetworkId == values.NetworkId ? null
            : new ValidationErrors().Add("networkId", $"Cette microstructure appartient au réseau « {entity.NetworkId} » : le changement de réseau n'est pas possible ici.");

    private static Result<T> RegionNotFound<T>(string id) => Result<T>.NotFound($"Aucune région n'a l'identifiant « {id} ».");

    private static Result<T> NetworkNotFound<T>(string id) => Result<T>.NotFound($"Aucun réseau n'a l'identifiant « {id} ».");

    private static Result<T> MicrostructureNotFound<T>(string id) => Result<T>.NotFound($"Aucune microstructure n'a l'identifiant « {id} ».");

    private static void Apply(NetworkEntity entity, NetworkValues values)
    {
        entity.Name = values.Name;
        entity.CarryingAssociation = values.CarryingAssociation;
        entity.RegionId = values.RegionId;
        entity.AdministrativeCoordinatorEmail = values.AdministrativeCoordinatorEmail;
        entity.MedicalCoordinatorEmail = values.MedicalCoordinatorEmail;
    }

    private static void Apply(MicrostructureEntity entity, MicrostructureValues values)
    {
        entity.NetworkId = values.NetworkId;
        entity.Name = values.Name;
        entity.Town = values.Town;
        entity.Postcode = values.Postcode;
        entity.PracticeType = values.PracticeType;
        entity.ContactEmails = string.Join(';', values.ContactEmails);
        entity.OpenedOn = values.OpenedOn;
    }

    public static Region ToModel(RegionEntity e) => new(e.RowKey, e.Name, e.ClosedOn, e.ETag.ToString());

    public static Network ToModel(NetworkEntity e) =>
        new(e.RowKey, e.Name, e.CarryingAssociation, e.RegionId, e.AdministrativeCoordinatorEmail, e.MedicalCoordinatorEmail, e.ClosedOn, e.ETag.ToString());

    public static Microstructure ToModel(MicrostructureEntity e) =>
        new(e.RowKey, e.NetworkId, e.Name, e.Town, e.Postcode, e.PracticeType,
            e.ContactEmails.Split(';', StringSplitOptions.RemoveEmptyEntries), e.OpenedOn, e.ClosedOn, e.ETag.ToString());

    private static TeamComposition ToModel(string microstructureId, TeamEntity t) =>
        new(microstructureId, t.Year, t.Gps, t.Psychologists, t.SocialWorkers, t.Psychiatrists);

    [LoggerMessage(LogLevel.Information, "Org tree {EntityType} {EntityId} {Action} by {ActorKind} {ActorId}")]
    private partial void LogChanged(string entityType, string entityId, string action, string actorKind, string actorId);
}
