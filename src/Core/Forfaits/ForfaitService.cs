using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

// Use cases of one forfait: include, read, renew, close, snooze or acknowledge its reminders. A network
// (Actor.NetworkId set: a network key, or a digest link of that network) touches only the forfaits of
// its own microstructures; another network's forfait is answered as not found. The staff touch all.
// Every change is audited; a request that changes nothing (a retry) records nothing and answers the same.
public sealed partial class ForfaitService(
    ForfaitStore store, ReminderStore reminders, OrgTreeService tree, OrgTreeStore orgStore, AuditTrail audit,
    IOptions<ForfaitOptions> options, TimeProvider time, ILogger<ForfaitService> logger)
{
    private const int MaxAttempts = 3;
    private const string ChangedMeanwhile = "Ce forfait a été modifié entre-temps : rechargez-le puis recommencez.";

    public DateOnly Today => OrgDates.Today(time);

    // A new inclusion opens its first one-year period. Posting the same inclusion again (same
    // microstructure, pseudonym, scheme and date) answers the forfait already recorded (Unchanged).
    public async Task<Result<Saved<Forfait>>> CreateAsync(ForfaitInput input, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var identifying = ForfaitValidation.FindIdentifyingData(input);
        if (!identifying.IsEmpty)
        {
            return identifying;
        }
        var today = Today;
        var (values, errors) = ForfaitValidation.Inclusion(input, options.Value, today);
        if (values is null)
        {
            return errors;
        }
        var first = ForfaitPeriods.First(values.InclusionDate);
        if (first.End < today)
        {
            return new ValidationErrors().Add("inclusionDate",
                $"La première période de cette inclusion s'est terminée le {ForfaitValidation.Format(first.End)} : pour un patient inclus depuis plus d'un an, importez l'inclusion (fichier CSV), qui ouvre la période en cours.");
        }
        return await CreateAsync(values, first, PeriodOrigin.Inclusion, actor, cancellationToken);
    }

    // Shared with the CSV import, which opens the period in course instead of the first.
    internal async Task<Result<Saved<Forfait>>> CreateAsync(ForfaitValues values, PeriodDates period, PeriodOrigin origin, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(actor);
        if (await FindMicrostructureAsync(values.MicrostructureId, actor, cancellationToken) is not { } microstructure)
        {
            return await MicrostructureRefusalAsync(values.MicrostructureId, actor, cancellationToken);
        }
        if (microstructure.ClosedOn is not null)
        {
            return new ValidationErrors().Add("microstructureId", $"La microstructure « {values.MicrostructureId} » est fermée : elle ne peut plus inclure de patient.");
        }
        var naturalKey = ForfaitStore.NaturalKey(values.Scheme.Id, values.Pseudonym, values.InclusionDate);
        if (await ExistingAsync(values.MicrostructureId, naturalKey, cancellationToken) is { } existing)
        {
            return Result<Saved<Forfait>>.Success(new(existing, SaveOutcome.Unchanged));
        }

        var now = time.GetUtcNow();
        var entity = new ForfaitEntity
        {
            PartitionKey = ForfaitStore.Partition(values.MicrostructureId),
            RowKey = ForfaitStore.NewId(),
            MicrostructureId = values.MicrostructureId,
            NetworkId = microstructure.NetworkId,
            Pseudonym = values.Pseudonym,
            SchemeId = values.Scheme.Id,
            SchemeName = values.Scheme.Name,
            InclusionDate = OrgDates.ToText(values.InclusionDate),
            LeadTimesDays = ReminderSchedule.LeadTimesText(options.Value.LeadTimesDays),
            EscalationDays = options.Value.EscalationDaysBefore,
            CreatedAt = now,
            UpdatedAt = now,
        };
        ForfaitStore.WritePeriods(entity, [new ForfaitPeriod(period.Number, period.Start, period.End, values.Scheme.AmountEuros, origin)]);
        // Lookup and schedule first: a crash before the forfait's transaction leaves rows pointing at
        // nothing (the run drops them a day later), never a forfait without its reminders.
        await store.AddLookupAsync(new ForfaitLookupEntity { PartitionKey = ForfaitStore.ForfaitLookupPartition, RowKey = entity.ForfaitId, MicrostructureId = entity.MicrostructureId, NetworkId = entity.NetworkId }, cancellationToken);
        await reminders.UpsertDueAsync(ReminderSchedule.Rows(entity, now), cancellationToken);
        if (!await store.TryAddAsync(entity, cancellationToken))
        {
            if (await ExistingAsync(values.MicrostructureId, naturalKey, cancellationToken) is { } winner)
            {
                return Result<Saved<Forfait>>.Success(new(winner, SaveOutcome.Unchanged));
            }
            var open = await store.GetKeyAsync(values.MicrostructureId, ForfaitStore.ActiveKey(values.Scheme.Id, values.Pseudonym), cancellationToken);
            var since = open is null ? "" : $" (inclus le {ForfaitValidation.Format(OrgDates.Parse(open.InclusionDate))}, forfait {open.ForfaitId})";
            return Result<Saved<Forfait>>.Conflict(
                $"Le pseudonyme « {values.Pseudonym} » a déjà un forfait ouvert dans le dispositif {values.Scheme.Name} de cette microstructure{since} : renouvelez-le, ou clôturez-le avant d'enregistrer une nouvelle inclusion.");
        }
        var created = ToModel(entity, Today);
        await audit.RecordAsync(AuditEntityTypes.Forfait, entity.ForfaitId, actor, "created", null, created, cancellationToken);
        LogChanged(entity.ForfaitId, "created", actor.Kind, actor.Id);
        return Result<Saved<Forfait>>.Success(new(created, SaveOutcome.Created));
    }

    public async Task<Result<Forfait>> GetAsync(string forfaitId, Actor actor, CancellationToken cancellationToken = default) =>
        await LocateAsync(forfaitId, actor, cancellationToken) is { } entity ? Result<Forfait>.Success(ToModel(entity, Today)) : NotFound(forfaitId);

    // One microstructure's forfaits; without one, all of the caller's network (or, for the staff, the nation).
    public async Task<Result<IReadOnlyList<Forfait>>> ListAsync(string? microstructureId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var today = Today;
        IReadOnlyList<ForfaitEntity> entities;
        if (microstructureId is not null)
        {
            if (await FindMicrostructureAsync(microstructureId, actor, cancellationToken) is null)
            {
                return Result<IReadOnlyList<Forfait>>.NotFound($"Aucune microstructure de votre périmètre n'a l'identifiant « {microstructureId} ».");
            }
            entities = await store.ListAsync(microstructureId, cancellationToken);
        }
        else if (actor.NetworkId is { } networkId)
        {
            var lists = await Task.WhenAll((await orgStore.ListMicrostructuresAsync(networkId, cancellationToken)).Select(m => store.ListAsync(m.RowKey, cancellationToken)));
            entities = lists.SelectMany(l => l).ToList();
        }
        else
        {
            entities = await store.ListAllAsync(cancellationToken);
        }
        return Result<IReadOnlyList<Forfait>>.Success(entities.Select(e => ToModel(e, today))
            .OrderBy(f => f.CurrentPeriod.End).ThenBy(f => f.Pseudonym, StringComparer.Ordinal).ToList());
    }

    // Opens the next period, dated from the current one's end, not from today.
    public Task<Result<Forfait>> RenewAsync(string forfaitId, RenewalInput? input, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(forfaitId, actor, "renewed", (entity, today) =>
        {
            if (entity.Closed)
            {
                return Change.Refuse(Result<Forfait>.Conflict("Ce forfait est clôturé : il ne peut plus être renouvelé."));
            }
            if (input?.Period is { } period && period != entity.Period)
            {
                return period < entity.Period
                    ? Change.None
                    : Change.Refuse(Result<Forfait>.Invalid(new ValidationErrors().Add("period", $"La période en cours de ce forfait est la n° {entity.Period}.").ToDictionary()));
            }
            var periods = ForfaitStore.ReadPeriods(entity).ToList();
            var current = periods[^1];
            var next = ForfaitPeriods.Next(new PeriodDates(current.Number, current.Start, current.End));
            if (next.End < today)
            {
                return Change.Refuse(Result<Forfait>.Conflict(
                    $"La période suivante se serait terminée le {ForfaitValidation.Format(next.End)} : ce forfait n'a pas été renouvelé depuis plus d'un an. Clôturez-le, puis enregistrez une nouvelle inclusion."));
            }
            var amount = options.Value.FindScheme(entity.SchemeId)?.AmountEuros ?? current.AmountEuros;
            periods.Add(new ForfaitPeriod(next.Number, next.Start, next.End, amount, PeriodOrigin.Renewal));
            ForfaitStore.WritePeriods(entity, periods);
            entity.LeadTimesDays = ReminderSchedule.LeadTimesText(options.Value.LeadTimesDays);
            entity.EscalationDays = options.Value.EscalationDaysBefore;
            // The new period's reminders are scheduled before the forfait says it exists (same keys on a retry).
            return Change.Write(ReminderSchedule.Rows(entity, time.GetUtcNow()));
        }, cancellationToken);

    public Task<Result<Forfait>> CloseAsync(string forfaitId, ClosureInput input, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(forfaitId, actor, "closed", (entity, today) =>
        {
            if (entity.Closed)
            {
                return Change.None;
            }
            var errors = new ValidationErrors();
            if (!ClosureReasons.TryParse(input?.Reason, out var reason))
            {
                errors.Add("reason", $"Choisissez le motif de clôture parmi : {ClosureReasons.Choices}.");
            }
            var closedOn = today;
            if (!string.IsNullOrWhiteSpace(input?.ClosedOn) && !OrgDates.TryParse(input.ClosedOn, out closedOn))
            {
                errors.Add("closedOn", "Indiquez la date de clôture au format AAAA-MM-JJ, par exemple 2026-03-15.");
            }
            else if (closedOn > today || closedOn < OrgDates.Parse(entity.InclusionDate))
            {
                errors.Add("closedOn", "La date de clôture doit être comprise entre la date d'inclusion et aujourd'hui.");
            }
            if (!errors.IsEmpty)
            {
                return Change.Refuse(errors);
            }
            entity.Closed = true;
            entity.ClosureReason = ClosureReasons.Code(reason);
            entity.ClosedOn = OrgDates.ToText(closedOn);
            return Change.Write([], close: true);
        }, cancellationToken);

    // Skips the next reminder of the period (the first one due after today); the later ones still go.
    public Task<Result<Forfait>> SnoozeAsync(string forfaitId, ReminderActionInput? input, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(forfaitId, actor, "snoozed", (entity, today) =>
        {
            if (CheckReminderAction(entity, input) is { } refused)
            {
                return refused;
            }
            var end = OrgDates.Parse(entity.PeriodEnd);
            var next = ForfaitStore.ReadLeadTimes(entity).Where(d => ForfaitPeriods.DueDate(end, d) > today).OrderByDescending(d => d).ToList();
            if (next.Count == 0)
            {
                return Change.Refuse(Result<Forfait>.Conflict("Il ne reste aucun rappel à reporter pour cette période."));
            }
            if (entity.SnoozedPeriod == entity.Period && entity.SnoozedDays == next[0])
            {
                return Change.None;
            }
            entity.SnoozedPeriod = entity.Period;
            entity.SnoozedDays = next[0];
            return Change.Write([]);
        }, cancellationToken);

    // The team is on it: no more microstructure reminders for this period (the escalation still goes).
    public Task<Result<Forfait>> AcknowledgeAsync(string forfaitId, ReminderActionInput? input, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(forfaitId, actor, "acknowledged", (entity, _) =>
        {
            if (CheckReminderAction(entity, input) is { } refused)
            {
                return refused;
            }
            if (entity.AcknowledgedPeriod == entity.Period)
            {
                return Change.None;
            }
            entity.AcknowledgedPeriod = entity.Period;
            return Change.Write([]);
        }, cancellationToken);

    public static Forfait ToModel(ForfaitEntity e, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(e);
        var periods = ForfaitStore.ReadPeriods(e);
        ClosureReason? reason = ClosureReasons.TryParse(e.ClosureReason, out var r) ? r : null;
        var status = e.Closed ? ForfaitStatus.Closed : periods[^1].End < today ? ForfaitStatus.Lapsed : ForfaitStatus.Active;
        return new Forfait(e.ForfaitId, e.MicrostructureId, e.NetworkId, e.Pseudonym, e.SchemeId, e.SchemeName,
            OrgDates.Parse(e.InclusionDate), status, periods[^1], periods,
            reason, reason is { } known ? ClosureReasons.Label(known) : null, e.ClosedOn is { } closed ? OrgDates.Parse(closed) : null,
            e.SnoozedPeriod == e.Period ? e.SnoozedDays : null, e.AcknowledgedPeriod == e.Period, e.ETag.ToString());
    }

    // The forfait, if the actor may see it (null otherwise: answered as not found).
    internal async Task<ForfaitEntity?> LocateAsync(string forfaitId, Actor actor, CancellationToken cancellationToken)
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

    private async Task<Result<Forfait>> ChangeAsync(string forfaitId, Actor actor, string action, Func<ForfaitEntity, DateOnly, Change> apply, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await LocateAsync(forfaitId, actor, cancellationToken) is not { } entity)
            {
                return NotFound(forfaitId);
            }
            var today = Today;
            var before = ToModel(entity, today);
            var change = apply(entity, today);
            if (change.Refusal is { } refusal)
            {
                return refusal;
            }
            if (!change.Changed)
            {
                return Result<Forfait>.Success(before);
            }
            entity.UpdatedAt = time.GetUtcNow();
            await reminders.UpsertDueAsync(change.Schedule, cancellationToken);
            if (await store.TryReplaceAsync(entity, change.Close, cancellationToken))
            {
                var after = ToModel(entity, today);
                await audit.RecordAsync(AuditEntityTypes.Forfait, forfaitId, actor, action, before, after, cancellationToken);
                LogChanged(forfaitId, action, actor.Kind, actor.Id);
                return Result<Forfait>.Success(after);
            }
        }
        return Result<Forfait>.Conflict(ChangedMeanwhile);
    }

    private static Change? CheckReminderAction(ForfaitEntity entity, ReminderActionInput? input)
    {
        if (entity.Closed)
        {
            return Change.Refuse(Result<Forfait>.Conflict("Ce forfait est clôturé : il n'a plus de rappel."));
        }
        if (input?.Period is { } period && period != entity.Period)
        {
            return Change.Refuse(Result<Forfait>.Conflict($"Ce rappel concernait la période n° {period}, qui n'est plus la période en cours (n° {entity.Period})."));
        }
        return null;
    }

    private async Task<Forfait?> ExistingAsync(string microstructureId, string naturalKey, CancellationToken cancellationToken) =>
        await store.GetKeyAsync(microstructureId, naturalKey, cancellationToken) is { } key
        && await store.GetAsync(microstructureId, key.ForfaitId, cancellationToken) is { } entity
            ? ToModel(entity, Today)
            : null;

    // The microstructure if the actor may include patients there: its own network's, or any for the staff.
    private async Task<MicrostructureEntity?> FindMicrostructureAsync(string microstructureId, Actor actor, CancellationToken cancellationToken)
    {
        if (actor.NetworkId is { } networkId)
        {
            return await tree.CheckAccessAsync(networkId, microstructureId, cancellationToken) == MicrostructureAccess.Allowed
                ? await orgStore.GetMicrostructureAsync(networkId, microstructureId, cancellationToken)
                : null;
        }
        return Slugs.IsValid(microstructureId) ? await orgStore.FindMicrostructureAsync(microstructureId, cancellationToken) : null;
    }

    private async Task<Result<Saved<Forfait>>> MicrostructureRefusalAsync(string microstructureId, Actor actor, CancellationToken cancellationToken)
    {
        var access = actor.NetworkId is { } networkId ? await tree.CheckAccessAsync(networkId, microstructureId, cancellationToken) : MicrostructureAccess.Unknown;
        return new ValidationErrors().Add("microstructureId", access == MicrostructureAccess.OtherNetwork
            ? $"La microstructure « {microstructureId} » n'appartient pas à votre réseau."
            : $"Aucune microstructure n'a l'identifiant « {microstructureId} ».");
    }

    private static Result<Forfait> NotFound(string forfaitId) => Result<Forfait>.NotFound($"Aucun forfait de votre périmètre n'a l'identifiant « {forfaitId} ».");

    private sealed record Change(bool Changed, Result<Forfait>? Refusal, IReadOnlyList<DueReminderEntity> Schedule, bool Close)
    {
        public static Change None { get; } = new(false, null, [], false);

        public static Change Refuse(Result<Forfait> refusal) => new(false, refusal, [], false);

        public static Change Write(IReadOnlyList<DueReminderEntity> schedule, bool close = false) => new(true, null, schedule, close);
    }

    [LoggerMessage(LogLevel.Information, "Forfait {ForfaitId} {Action} by {ActorKind} {ActorId}")]
    private partial void LogChanged(string forfaitId, string action, string actorKind, string actorId);
}
