using Microsoft.Extensions.Options;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Privacy;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

public sealed record ForfaitImportRowError(int Line, IReadOnlyList<string> Reasons);

public sealed record ForfaitImportReport(string Encoding, int Rows, int Created, int Existing, IReadOnlyList<ForfaitImportRowError> Errors);

// A network's existing inclusions, for its first use: one row per forfait, columns
// microstructure_id;pseudonyme;dispositif;date_inclusion[;fin_periode]. Each opens the period in
// course: the one ending on fin_periode when given (it must be a period end of the chain from the
// inclusion), else the one holding today. Identifying data anywhere (any column, known or not) refuses
// the whole file, naming each line and column, and nothing is stored; other errors reject their row
// only. Importing the same file again changes nothing (each row finds its forfait).
public sealed class ForfaitImport(ForfaitInclusions inclusions, IOptions<ForfaitOptions> options, TimeProvider time)
{
    public const int MaxRows = 20_000;
    public const int MaxReportedRefusals = 100;

    public static readonly IReadOnlyList<string> Columns = ["microstructure_id", "pseudonyme", "dispositif", "date_inclusion", "fin_periode"];

    private static readonly string[] Required = ["microstructure_id", "pseudonyme", "dispositif", "date_inclusion"];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["microstructure"] = "microstructure_id",
        ["date_d_inclusion"] = "date_inclusion",
        ["fin_de_periode"] = "fin_periode",
        ["fin_de_la_periode"] = "fin_periode",
    };

    // Columns that can only hold a patient's identity: refused as soon as one has a value. "nom" alone,
    // or a patient's or family name; not "nom_microstructure".
    private static readonly string[] IdentifyingColumnWords =
        ["prenom", "naissance", "ddn", "adresse", "telephone", "tel", "portable", "email", "mail", "courriel", "nir", "secu", "ins", "ipp"];

    private static readonly string[] PersonNameColumns = ["nom", "nom_patient", "nom_du_patient", "nom_de_famille", "nom_d_usage", "nom_usage", "nom_de_naissance", "patient"];

    public async Task<Result<ForfaitImportReport>> ImportAsync(byte[] content, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var file = SpreadsheetCsv.Read(content);
        var columns = file.Columns.Select(c => Aliases.GetValueOrDefault(c, c)).ToList();
        var missing = Required.Where(c => !columns.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            return new ValidationErrors().Add("file", $"Colonnes manquantes : {string.Join(", ", missing)}. Colonnes attendues, séparées par des points-virgules : {string.Join(";", Columns)}.");
        }
        if (file.Rows.Count > MaxRows)
        {
            return new ValidationErrors().Add("file", $"Le fichier dépasse {MaxRows} lignes : découpez-le.");
        }
        var rows = file.Rows.Select(r => new CsvRow(r.Line, r.Values.ToDictionary(v => Aliases.GetValueOrDefault(v.Key, v.Key), v => v.Value, StringComparer.Ordinal))).ToList();
        var refusals = IdentifyingData(rows);
        if (refusals.Count > 0)
        {
            var errors = new ValidationErrors();
            foreach (var refusal in refusals.Take(MaxReportedRefusals))
            {
                errors.Add("file", refusal);
            }
            if (refusals.Count > MaxReportedRefusals)
            {
                errors.Add("file", $"… et {refusals.Count - MaxReportedRefusals} autres lignes.");
            }
            errors.Add("file", "Le fichier contient des données identifiantes de patients : il a été refusé en entier et rien n'a été enregistré. N'y laissez que les colonnes attendues : " + string.Join(";", Columns) + ".");
            return errors;
        }

        int created = 0, existing = 0;
        var rowErrors = new List<ForfaitImportRowError>();
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reasons = await ImportRowAsync(row.Values, actor, cancellationToken);
            switch (reasons)
            {
                case null: created++; break;
                case []: existing++; break;
                default: rowErrors.Add(new ForfaitImportRowError(row.Line, reasons)); break;
            }
        }
        return Result<ForfaitImportReport>.Success(new ForfaitImportReport(file.Encoding, rows.Count, created, existing, rowErrors));
    }

    // Every field checked, the unknown columns too (they are not stored, but their presence says the file
    // was not cleaned); a pseudonym shaped like a date may be a birth date and counts as identifying here.
    private static List<string> IdentifyingData(IReadOnlyList<CsvRow> rows)
    {
        var refusals = new List<string>();
        foreach (var row in rows)
        {
            foreach (var (column, value) in row.Values.Where(v => v.Value.Length > 0))
            {
                var label = $"Ligne {row.Line}, colonne « {column} »";
                if (IsIdentifyingColumn(column))
                {
                    refusals.Add($"{label} : cette colonne ne peut contenir que des données identifiantes (nom, date de naissance, adresse, téléphone, e-mail, numéro de sécurité sociale) : supprimez-la.");
                }
                else if (Privacy.IdentifyingData.Detect(value) is { } kind)
                {
                    refusals.Add($"{label} : ressemble à {PrivacyMessages.Describe(kind)}.");
                }
                else if (column == "pseudonyme" && Pseudonyms.LooksLikeDate(Pseudonyms.Normalize(value)))
                {
                    refusals.Add($"{label} : le pseudonyme ressemble à une date (de naissance ?).");
                }
            }
        }
        return refusals;
    }

    private static bool IsIdentifyingColumn(string column) =>
        !Columns.Contains(column)
        && (PersonNameColumns.Contains(column, StringComparer.Ordinal) || column.Contains("securite_sociale", StringComparison.Ordinal)
            || column.Split('_').Any(word => IdentifyingColumnWords.Contains(word, StringComparer.Ordinal)));

    // null: created; empty: the forfait existed already; otherwise the row's errors, each naming its column.
    private async Task<List<string>?> ImportRowAsync(IReadOnlyDictionary<string, string> row, Actor actor, CancellationToken cancellationToken)
    {
        var today = OrgDates.Today(time);
        var (values, errors) = ForfaitValidation.Inclusion(
            new ForfaitInput(row["microstructure_id"], row["pseudonyme"], row["dispositif"], row["date_inclusion"]), options.Value, today);
        var reasons = Reasons(errors);
        if (values is null)
        {
            return reasons;
        }
        var period = ForfaitPeriods.Containing(values.InclusionDate, today);
        if (row.GetValueOrDefault("fin_periode") is { Length: > 0 } endText)
        {
            if (!OrgDates.TryParse(endText, out var end))
            {
                return ["fin_periode : indiquez la fin de la période en cours au format AAAA-MM-JJ, par exemple 2026-03-14."];
            }
            period = ForfaitPeriods.Containing(values.InclusionDate, end);
            if (period.End != end)
            {
                return [$"fin_periode : une période commencée le {ForfaitValidation.Format(values.InclusionDate)} se termine la veille d'un anniversaire de l'inclusion, par exemple le {ForfaitValidation.Format(period.End)}."];
            }
            if (period.Start > today)
            {
                return [$"fin_periode : la période se terminant le {ForfaitValidation.Format(end)} n'a pas encore commencé."];
            }
            if (end < today.AddYears(-1))
            {
                return ["fin_periode : cette période est terminée depuis plus d'un an ; n'importez que les patients suivis."];
            }
        }
        var result = await inclusions.CreateAsync(values, period, period.Number == 1 ? PeriodOrigin.Inclusion : PeriodOrigin.Import, actor, cancellationToken);
        return result.Kind switch
        {
            ResultKind.Success => result.Value!.Outcome == SaveOutcome.Created ? null : [],
            ResultKind.Invalid => Reasons(result.Errors),
            _ => [result.Detail ?? "Ligne refusée."],
        };
    }

    private static List<string> Reasons(ValidationErrors errors) => Reasons(errors.ToDictionary());

    private static List<string> Reasons(IReadOnlyDictionary<string, string[]> errors) =>
        errors.SelectMany(e => e.Value.Select(m => ForfaitValidation.Fields.FirstOrDefault(f => f.Field == e.Key).Column is { } column ? $"{column} : {m}" : m)).ToList();
}
