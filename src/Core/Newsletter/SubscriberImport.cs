using Microsoft.Extensions.Logging;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;

namespace Microstructures.Core.Newsletter;

public sealed record SubscriberImportRowError(int Line, string Reason);

// Errors lists the first MaxReportedErrors invalid rows; Invalid counts them all.
public sealed record SubscriberImportReport(string Encoding, int Rows, int Added, int Existing, int Suppressed, int Duplicates, int Invalid, IReadOnlyList<SubscriberImportRowError> Errors);

// The staff's existing list of professional contacts (network coordinators, microstructure teams):
// a CSV as French Excel writes it, one address per row in a column "email" (or "e-mail", "courriel",
// "adresse e-mail"…); other columns are ignored and not stored.
// Decision: imported contacts are active without double opt-in, on the legitimate interest of
// informing professionals about their own field (CNIL: B2B e-mail about the person's profession,
// with an easy opt-out). The row records that basis, the import's label and date; every newsletter
// says why it is received and unsubscribes in one click. Suppressed addresses (unsubscribed,
// erased, bounced, complained) are never imported; an address already known is left as it is.
public sealed partial class SubscriberImport(SubscriberStore subscribers, SuppressionStore suppressions, SubscriberIds ids, TimeProvider time, ILogger<SubscriberImport> logger)
{
    public const int MaxRows = 20_000;
    public const int MaxReportedErrors = 200;

    private static readonly string[] EmailColumns = ["email", "e_mail", "courriel", "mail", "adresse_e_mail", "adresse_email", "adresse_mail", "adresse_electronique", "adresse_courriel"];

    public async Task<Result<SubscriberImportReport>> ImportAsync(byte[] content, string? sourceLabel, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(actor);
        var errors = new ValidationErrors();
        var label = sourceLabel?.Trim();
        if (string.IsNullOrEmpty(label) || label.Length > 200)
        {
            errors.Add("source", "Indiquez d'où vient cette liste (200 caractères au plus), par exemple « Annuaire des coordinateurs 2025 ».");
        }
        var file = SpreadsheetCsv.Read(content);
        var column = EmailColumns.FirstOrDefault(file.Columns.Contains);
        if (column is null)
        {
            errors.Add("file", "Le fichier doit avoir une colonne « email » (ou « courriel », « adresse e-mail ») : une adresse par ligne, colonnes séparées par des points-virgules.");
        }
        else if (file.Rows.Count > MaxRows)
        {
            errors.Add("file", $"Le fichier dépasse {MaxRows} lignes : découpez-le.");
        }
        if (!errors.IsEmpty)
        {
            return errors;
        }

        var known = await subscribers.ListIdsAsync(cancellationToken);
        var suppressed = await suppressions.ListIdsAsync(cancellationToken);
        var now = time.GetUtcNow();
        var detail = $"{label} (import du {NewsletterEmails.FormatParisDate(now)})";
        var rowErrors = new List<SubscriberImportRowError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var toAdd = new List<SubscriberEntity>();
        int existing = 0, suppressedCount = 0, duplicates = 0, invalid = 0;
        foreach (var row in file.Rows)
        {
            var value = row.Values.GetValueOrDefault(column!)?.Trim() ?? "";
            if (!EmailAddresses.IsValid(value))
            {
                invalid++;
                if (rowErrors.Count < MaxReportedErrors)
                {
                    rowErrors.Add(new SubscriberImportRowError(row.Line, value.Length == 0 ? "adresse e-mail manquante" : "adresse e-mail invalide"));
                }
                continue;
            }
            var email = EmailAddresses.Normalize(value);
            var id = ids.For(email);
            if (!seen.Add(id))
            {
                duplicates++;
            }
            else if (suppressed.Contains(id))
            {
                suppressedCount++;
            }
            else if (known.Contains(id))
            {
                existing++;
            }
            else
            {
                toAdd.Add(new SubscriberEntity
                {
                    RowKey = id,
                    Email = email,
                    Status = nameof(SubscriberStatus.Active),
                    CreatedAt = now,
                    StatusChangedAt = now,
                    Source = nameof(SubscriberSource.Import),
                    SourceDetail = detail,
                    LegalBasis = nameof(LegalBasis.LegitimateInterest),
                    LastInteractionAt = now,
                });
            }
        }
        var added = await subscribers.AddManyAsync(toAdd, cancellationToken);
        existing += toAdd.Count - added; // added meanwhile by a subscription
        LogImported(added, existing, suppressedCount, label!, actor.Id);
        return Result<SubscriberImportReport>.Success(new SubscriberImportReport(file.Encoding, file.Rows.Count, added, existing, suppressedCount, duplicates, invalid, rowErrors));
    }

    [LoggerMessage(LogLevel.Information, "Newsletter import \"{Label}\" by {Actor}: {Added} added, {Existing} already known, {Suppressed} suppressed")]
    private partial void LogImported(int added, int existing, int suppressed, string label, string actor);
}
