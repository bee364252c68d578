using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

// A pseudonymous inclusion (POST /api/network/forfaits, the CSV import, later an inclusion fiche of
// the submissions): opens a forfait and its first period, scheduling its reminders. Write order, and a
// crash between two writes: lookup row, then the period's reminder rows, then one transaction
// (forfait, natural key, active marker). A crash before the transaction leaves a lookup to nothing
// (404) and reminder rows the run drops once a day old; a retry writes a new forfait id. Never a
// forfait without its reminders. The audit entry comes after (a crash loses the entry, not the forfait).
public sealed partial class ForfaitInclusions(
    ForfaitStore store, ReminderStore reminders, ForfaitAccess access, AuditTrail audit,
    IOptions<ForfaitOptions> options, TimeProvider time, ILogger<ForfaitInclusions> logger)
{
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
        var today = OrgDates.Today(time);
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
        if (await access.FindMicrostructureAsync(values.MicrostructureId, actor, cancellationToken) is not { } microstructure)
        {
            return await access.MicrostructureRefusalAsync(values.MicrostructureId, actor, cancellationToken);
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
        var created = ForfaitService.ToModel(entity, OrgDates.Today(time));
        await audit.RecordAsync(AuditEntityTypes.Forfait, entity.ForfaitId, actor, "created", null, created, cancellationToken);
        LogChanged(entity.ForfaitId, "created", actor.Kind, actor.Id);
        return Result<Saved<Forfait>>.Success(new(created, SaveOutcome.Created));
    }

    private async Task<Forfait?> ExistingAsync(string microstructureId, string naturalKey, CancellationToken cancellationToken) =>
        await store.GetKeyAsync(microstructureId, naturalKey, cancellationToken) is { } key
        && await store.GetAsync(microstructureId, key.ForfaitId, cancellationToken) is { } entity
            ? ForfaitService.ToModel(entity, OrgDates.Today(time))
            : null;

    [LoggerMessage(LogLevel.Information, "Forfait {ForfaitId} {Action} by {ActorKind} {ActorId}")]
    private partial void LogChanged(string forfaitId, string action, string actorKind, string actorId);
}
