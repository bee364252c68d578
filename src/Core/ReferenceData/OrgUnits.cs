using Microsoft.Extensions.Logging;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;

namespace Microstructures.Core.ReferenceData;

// Create, update, create-or-update (the CSV import) and close of one level of the org tree, written
// once for regions, networks and microstructures; each level says only what differs (RegionUnits,
// NetworkUnits, MicrostructureUnits). Every change is recorded in the audit trail with its actor; a
// request that changes nothing records nothing. Writes are ETag-checked: a stale version is a 409.
public abstract class OrgUnits<TEntity, TInput, TValues, TModel>(OrgTreeStore store, AuditTrail audit, TimeProvider time, ILogger logger)
    where TEntity : class, IOrgUnitEntity
    where TValues : class
{
    public const string ChangedMeanwhile = "Cette fiche a été modifiée entre-temps par quelqu'un d'autre : rechargez-la puis recommencez.";

    protected OrgTreeStore Store => store;

    // ---- What differs between the levels

    protected abstract string EntityType { get; }

    protected abstract (TValues? Values, ValidationErrors Errors) Validate(TInput input, string? routeId);

    protected abstract string IdOf(TValues values);

    protected abstract string? VersionOf(TInput input);

    protected abstract string VersionOf(TModel model);

    protected abstract Task<TEntity?> GetAsync(string id, CancellationToken cancellationToken);

    protected abstract TEntity Create(TValues values);

    protected abstract void Apply(TEntity entity, TValues values);

    public abstract TModel ToModel(TEntity entity);

    protected virtual Task<bool> TryAddAsync(TEntity entity, CancellationToken cancellationToken) => store.TryAddAsync(entity, cancellationToken);

    // Where the values put the unit (its parent open, not moved): null when allowed. existing is null on create.
    protected virtual Task<ValidationErrors?> CheckPlacementAsync(TEntity? existing, TValues values, CancellationToken cancellationToken) =>
        Task.FromResult<ValidationErrors?>(null);

    // Why it cannot close yet (children still open), null when it can.
    protected virtual Task<string?> OpenChildrenAsync(string id, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    // The earliest closing date ("" for none).
    protected virtual string OpenedOn(TEntity entity) => "";

    // What a single-entity answer adds to the model (a microstructure's teams).
    protected virtual Task<TModel> CompleteAsync(TModel model, CancellationToken cancellationToken) => Task.FromResult(model);

    protected abstract string NotFound(string id);

    protected abstract string Exists(string id);

    // ---- The one code path

    public async Task<Result<TModel>> GetOneAsync(string id, CancellationToken cancellationToken = default) =>
        await GetAsync(id, cancellationToken) is { } entity ? Result<TModel>.Success(await CompleteAsync(ToModel(entity), cancellationToken)) : Result<TModel>.NotFound(NotFound(id));

    public async Task<Result<TModel>> CreateAsync(TInput input, Actor actor, CancellationToken cancellationToken = default)
    {
        var (values, errors) = Validate(input, null);
        return values is null ? errors : await CreateAsync(values, actor, cancellationToken);
    }

    private async Task<Result<TModel>> CreateAsync(TValues values, Actor actor, CancellationToken cancellationToken)
    {
        if (await CheckPlacementAsync(null, values, cancellationToken) is { } placement)
        {
            return placement;
        }
        var entity = Create(values);
        if (!await TryAddAsync(entity, cancellationToken))
        {
            return Result<TModel>.Conflict(Exists(IdOf(values)));
        }
        return await RecordedAsync(IdOf(values), actor, "created", default, ToModel(entity), cancellationToken);
    }

    public async Task<Result<TModel>> UpdateAsync(string id, TInput input, Actor actor, CancellationToken cancellationToken = default)
    {
        var (values, errors) = Validate(input, id);
        if (values is null)
        {
            return errors;
        }
        if (await GetAsync(id, cancellationToken) is not { } entity)
        {
            return Result<TModel>.NotFound(NotFound(id));
        }
        if (await CheckPlacementAsync(entity, values, cancellationToken) is { } placement)
        {
            return placement;
        }
        var saved = await SaveAsync(entity, values, VersionOf(input), actor, cancellationToken);
        return saved.IsSuccess ? Result<TModel>.Success(await CompleteAsync(saved.Value!.Value, cancellationToken)) : Result<TModel>.Conflict(saved.Detail!);
    }

    // Creates or updates from validated values (the CSV import); unchanged values write nothing.
    public async Task<Result<Saved<TModel>>> UpsertAsync(TValues values, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (await GetAsync(IdOf(values), cancellationToken) is { } entity)
        {
            return await CheckPlacementAsync(entity, values, cancellationToken) is { } placement
                ? placement
                : await SaveAsync(entity, values, null, actor, cancellationToken);
        }
        var created = await CreateAsync(values, actor, cancellationToken);
        return created.Kind switch
        {
            ResultKind.Success => Result<Saved<TModel>>.Success(new(created.Value!, SaveOutcome.Created)),
            ResultKind.Invalid => Result<Saved<TModel>>.Invalid(created.Errors),
            _ => Result<Saved<TModel>>.Conflict(created.Detail ?? ChangedMeanwhile),
        };
    }

    public async Task<Result<TModel>> CloseAsync(string id, CloseInput? input, Actor actor, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(id, cancellationToken) is not { } entity)
        {
            return Result<TModel>.NotFound(NotFound(id));
        }
        var (date, errors) = OrgTreeValidation.ClosedOn(input, OpenedOn(entity), time);
        if (date is null)
        {
            return errors;
        }
        if (entity.ClosedOn is not null)
        {
            return Result<TModel>.Success(ToModel(entity));
        }
        if (await OpenChildrenAsync(id, cancellationToken) is { } open)
        {
            return Result<TModel>.Conflict(open);
        }
        var before = ToModel(entity);
        entity.ClosedOn = OrgDates.ToText(date.Value);
        var saved = await WriteAsync(entity, before, actor, "closed", cancellationToken);
        return saved.IsSuccess ? Result<TModel>.Success(saved.Value!.Value) : Result<TModel>.Conflict(saved.Detail!);
    }

    private async Task<Result<Saved<TModel>>> SaveAsync(TEntity entity, TValues values, string? version, Actor actor, CancellationToken cancellationToken)
    {
        var before = ToModel(entity);
        if (version is not null && version != VersionOf(before))
        {
            return Result<Saved<TModel>>.Conflict(ChangedMeanwhile);
        }
        Apply(entity, values);
        return await WriteAsync(entity, before, actor, "updated", cancellationToken);
    }

    private async Task<Result<Saved<TModel>>> WriteAsync(TEntity entity, TModel before, Actor actor, string action, CancellationToken cancellationToken)
    {
        if (AuditTrail.Diff(before, ToModel(entity)).Count == 0)
        {
            return Result<Saved<TModel>>.Success(new(before, SaveOutcome.Unchanged));
        }
        if (!await store.TryReplaceAsync(entity, cancellationToken))
        {
            return Result<Saved<TModel>>.Conflict(ChangedMeanwhile);
        }
        var after = ToModel(entity);
        await RecordedAsync(entity.RowKey, actor, action, before, after, cancellationToken);
        return Result<Saved<TModel>>.Success(new(after, SaveOutcome.Updated));
    }

    private async Task<Result<TModel>> RecordedAsync(string id, Actor actor, string action, TModel? before, TModel after, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(EntityType, id, actor, action, before, after, cancellationToken);
        logger.LogInformation("Org tree {EntityType} {EntityId} {Action} by {ActorKind} {ActorId}", EntityType, id, action, actor.Kind, actor.Id);
        return Result<TModel>.Success(after);
    }
}
