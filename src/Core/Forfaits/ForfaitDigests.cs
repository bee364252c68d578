using System.Text.Json.Serialization;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

// What the page shows before anyone presses its button: what the e-mail said, no pseudonym (link
// scanners open links too).
public sealed record DigestOverview(string DigestId, DigestKind Kind, string ScopeName, DateOnly RunDate, DateOnly ExpiresOn, DigestSummary Summary);

// One forfait of a digest with its current state: renewed since, closed, snoozed, acknowledged.
public sealed record DigestLine(
    string ForfaitId, string MicrostructureId, string MicrostructureName, string Pseudonym, string SchemeName,
    int Period, DateOnly EndDate, decimal AmountEuros, ForfaitStatus Status, bool RenewedSince,
    int? SnoozedReminderDays, bool RemindersAcknowledged, string? ClosureReasonLabel);

public sealed record DigestDetail(DigestOverview Overview, IReadOnlyList<DigestLine> Forfaits);

[JsonConverter(typeof(JsonStringEnumConverter<DigestAction>))]
public enum DigestAction
{
    Renew,
    Close,
    Snooze,
    Acknowledge,
}

// The page a digest's signed link opens (GET /api/forfaits/reminders/{digestId}?token=…): whoever
// holds the link sees that digest's forfaits and may renew, close, snooze or acknowledge each of them,
// and nothing else. A wrong token, an unknown digest or a forfait outside it is "not found"; an expired
// link says so.
public sealed class ForfaitDigests(ReminderStore reminders, ForfaitStore store, ForfaitService service, ForfaitTokens tokens, ForfaitEmails emails, OrgTreeStore orgStore, TimeProvider time)
{
    private const string InvalidLink = "Ce lien n'est pas valable : utilisez le lien complet reçu par e-mail.";

    public async Task<Result<DigestOverview>> OpenAsync(string digestId, string? token, CancellationToken cancellationToken = default)
    {
        var (digest, refusal) = await VerifyAsync(digestId, token, cancellationToken);
        return digest is null ? Result<DigestOverview>.NotFound(refusal!) : Result<DigestOverview>.Success(await OverviewAsync(digest, cancellationToken));
    }

    // With the pseudonyms: call it only once the person asked (the page's button).
    public async Task<Result<DigestDetail>> ListAsync(string digestId, string? token, CancellationToken cancellationToken = default)
    {
        var (digest, refusal) = await VerifyAsync(digestId, token, cancellationToken);
        if (digest is null)
        {
            return Result<DigestDetail>.NotFound(refusal!);
        }
        var names = await NamesAsync(digest, cancellationToken);
        var lines = new List<DigestLine>();
        foreach (var item in ReminderStore.ReadItems(digest))
        {
            if (await store.GetAsync(item.MicrostructureId, item.ForfaitId, cancellationToken) is { } entity)
            {
                lines.Add(Line(item, ForfaitService.ToModel(entity, OrgDates.Today(time)), names));
            }
        }
        return Result<DigestDetail>.Success(new DigestDetail(await OverviewAsync(digest, cancellationToken), lines));
    }

    // Renew (the period the digest announced: a second press renews once), close (with its reason),
    // snooze the next reminder or acknowledge the period.
    public async Task<Result<DigestLine>> ApplyAsync(string digestId, string? token, string forfaitId, DigestAction action, ClosureInput? closure = null, CancellationToken cancellationToken = default)
    {
        var (digest, refusal) = await VerifyAsync(digestId, token, cancellationToken);
        if (digest is null)
        {
            return Result<DigestLine>.NotFound(refusal!);
        }
        if (ReminderStore.ReadItems(digest).FirstOrDefault(i => i.ForfaitId == forfaitId) is not { } item)
        {
            return Result<DigestLine>.NotFound($"Le forfait « {forfaitId} » ne fait pas partie de ce rappel.");
        }
        var actor = Actor.DigestLink(digest.DigestId, digest.NetworkId);
        var result = action switch
        {
            DigestAction.Renew => await service.RenewAsync(forfaitId, new RenewalInput(item.Period), actor, cancellationToken),
            DigestAction.Close => await service.CloseAsync(forfaitId, closure ?? new ClosureInput(null), actor, cancellationToken),
            DigestAction.Snooze => await service.SnoozeAsync(forfaitId, new ReminderActionInput(item.Period), actor, cancellationToken),
            _ => await service.AcknowledgeAsync(forfaitId, new ReminderActionInput(item.Period), actor, cancellationToken),
        };
        return result.Kind switch
        {
            ResultKind.Success => Result<DigestLine>.Success(Line(item, result.Value!, await NamesAsync(digest, cancellationToken))),
            ResultKind.Invalid => Result<DigestLine>.Invalid(result.Errors),
            ResultKind.NotFound => Result<DigestLine>.NotFound(result.Detail!),
            _ => Result<DigestLine>.Conflict(result.Detail!),
        };
    }

    private async Task<(DigestEntity? Digest, string? Refusal)> VerifyAsync(string digestId, string? token, CancellationToken cancellationToken)
    {
        if (!DigestIds.IsValid(digestId) || !tokens.Verify(digestId, token) || await reminders.GetDigestAsync(digestId, cancellationToken) is not { } digest)
        {
            return (null, InvalidLink);
        }
        var expiresOn = OrgDates.Parse(digest.ExpiresOn);
        return OrgDates.Today(time) > expiresOn
            ? (null, $"Ce lien a expiré le {ForfaitValidation.Format(expiresOn)} : les forfaits restent accessibles à votre réseau sur la plateforme.")
            : (digest, null);
    }

    private async Task<DigestOverview> OverviewAsync(DigestEntity digest, CancellationToken cancellationToken)
    {
        var kind = Enum.Parse<DigestKind>(digest.Kind);
        var name = kind == DigestKind.Microstructure
            ? (await orgStore.GetMicrostructureAsync(digest.NetworkId, digest.ScopeId, cancellationToken))?.Name
            : (await orgStore.GetNetworkAsync(digest.NetworkId, cancellationToken))?.Name;
        var runDate = OrgDates.Parse(digest.RunDate);
        return new DigestOverview(digest.DigestId, kind, name ?? digest.ScopeId, runDate, OrgDates.Parse(digest.ExpiresOn), emails.Summarize(ReminderStore.ReadItems(digest), runDate));
    }

    private async Task<Dictionary<string, string>> NamesAsync(DigestEntity digest, CancellationToken cancellationToken) =>
        (await orgStore.ListMicrostructuresAsync(digest.NetworkId, cancellationToken)).ToDictionary(m => m.RowKey, m => m.Name, StringComparer.Ordinal);

    private static DigestLine Line(DigestItem item, Forfait forfait, IReadOnlyDictionary<string, string> names) =>
        new(forfait.Id, forfait.MicrostructureId, names.GetValueOrDefault(forfait.MicrostructureId, forfait.MicrostructureId), forfait.Pseudonym, forfait.SchemeName,
            item.Period, item.EndDate, item.AmountEuros, forfait.Status, forfait.CurrentPeriod.Number > item.Period,
            forfait.SnoozedReminderDays, forfait.RemindersAcknowledged, forfait.ClosureReasonLabel);
}
