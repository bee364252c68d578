using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

// Use cases of an existing forfait: read, list, renew, close, snooze or acknowledge its reminders (the
// inclusion is ForfaitInclusions). Scoped by ForfaitAccess: another network's forfait is not found.
// Every change is audited; a request that changes nothing (a retry) records nothing and answers the same.
// Write orders, and a crash between two writes:
// - renewal: the new period's reminder rows (deterministic keys: a retry rewrites the same), then the
//   forfait under its ETag. A crash between: rows for a period that does not exist yet, dropped by the
//   run a day later if no renewal came; the old period's remaining rows are recorded as skipped
//   (Renewed) on their due dates.
// - closure: one transaction, the forfait under its ETag and the active marker's deletion; the
//   remaining reminders are recorded as skipped (Closed) on their due dates.
// - the audit entry comes after the change it describes: a crash between loses the entry, not the change.
public sealed partial class ForfaitService(
    ForfaitStore store, ReminderStore reminders, ForfaitAccess access, OrgTreeStore orgStore, AuditTrail audit,
    IOptions<ForfaitOptions> options, TimeProvider time, ILogger<ForfaitService> logger)
{
    private const int MaxAttempts = 3;
    private const string ChangedMeanwhile = "Ce forfait a été modifié entre-temps : rechargez-le puis recommencez.";

    private DateOnly Today => OrgDates.Today(time);

    public async Task<Result<Forfait>> GetAsync(string forfaitId, Actor actor, CancellationToken cancellationToken = default) =>
        await access.LocateAsync(forfaitId, actor, cancellationToken) is { } entity ? Result<Forfait>.Success(ToModel(entity, Today)) : NotFound(forfaitId);

    // One microstructure's forfaits; without one, all of the caller's network (or, for the staff, the nation).
    public async Task<Result<IReadOnlyList<Forfait>>> ListAsync(string? microstructureId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var today = Today;
        IReadOnlyList<ForfaitEntity> entities;
        if (microstructureId is not null)
        {
            if (await access.FindMicrostructureAsync(microstructureId, actor, cancellationToken) is null)
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

    private async Task<Result<Forfait>> ChangeAsync(string forfaitId, Actor actor, string action, Func<ForfaitEntity, DateOnly, Change> apply, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await access.LocateAsync(forfaitId, actor, cancellationToken) is not { } entity)
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
