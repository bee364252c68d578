using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;

namespace Microstructures.Core.ReferenceData;

public sealed record ImportRowError(int Line, IReadOnlyList<string> Reasons);

public sealed record ImportReport(int Rows, int Created, int Updated, int Unchanged, IReadOnlyList<ImportRowError> Errors);

// Import of the whole tree from one spreadsheet: one row per microstructure (and year of team
// composition), carrying its region and network. Idempotent: values equal to what is stored write
// nothing. A row is checked entirely (its own values, the stored tree, earlier rows of the file)
// before anything of it is written: a bad row is reported with its line and stores nothing.
public sealed class OrgTreeImport(OrgTreeService service, OrgTreeStore store, TimeProvider time)
{
    public const int MaxRows = 20_000;

    public static readonly IReadOnlyList<string> Columns =
    [
        "region_id", "region", "reseau_id", "reseau", "association", "coordination_administrative", "coordination_medicale",
        "microstructure_id", "microstructure", "commune", "code_postal", "type", "contacts", "ouverture",
        "annee", "medecins", "psychologues", "travailleurs_sociaux", "psychiatres",
    ];

    private static readonly string[] Required = ["region_id", "region"];

    public const string UndecodableMessage =
        "Le fichier n'a pas pu être lu\u00A0: certains caractères ne sont ni de l'UTF-8 ni du Windows-1252. " +
        "Enregistrez-le depuis Excel en «\u00A0CSV UTF-8\u00A0» ou en «\u00A0CSV (séparateur\u00A0: point-virgule)\u00A0», puis importez-le de nouveau. Rien n'a été importé.";

    // The file as staff upload it, in the encoding Excel chose: UTF-8 with or without BOM, Windows-1252
    // (French Excel's "CSV (séparateur : point-virgule)"), UTF-16 (SpreadsheetCsv detects it).
    public async Task<Result<ImportReport>> ImportAsync(byte[] content, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return await ImportAsync(SpreadsheetCsv.Decode(content).Text, actor, cancellationToken);
    }

    // Headers are matched as SpreadsheetCsv reads them: "Code postal" is code_postal, "Réseau" is reseau.
    // Text that did not decode cleanly (U+FFFD, control characters) refuses the whole file: a name is
    // never stored with "�".
    public async Task<Result<ImportReport>> ImportAsync(string csv, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        csv = csv.TrimStart('\uFEFF');
        if (csv.Any(c => c == '\uFFFD' || (char.IsControl(c) && c is not ('\r' or '\n' or '\t'))))
        {
            return new ValidationErrors().Add("file", UndecodableMessage);
        }
        var firstLine = csv.Split('\n', 2)[0];
        var delimiter = firstLine.Count(c => c == ';') >= firstLine.Count(c => c == ',') ? ";" : ",";
        using var reader = new StringReader(csv);
        using var parser = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter,
            PrepareHeaderForMatch = args => SpreadsheetCsv.ColumnName(args.Header),
            MissingFieldFound = null,
            BadDataFound = null,
            TrimOptions = TrimOptions.Trim,
        });
        if (!await parser.ReadAsync() || !parser.ReadHeader())
        {
            return new ValidationErrors().Add("file", "Le fichier est vide : la première ligne doit nommer les colonnes (" + string.Join(";", Columns) + ").");
        }
        var headers = parser.HeaderRecord!.Select(SpreadsheetCsv.ColumnName).ToHashSet(StringComparer.Ordinal);
        var missing = Required.Where(c => !headers.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            return new ValidationErrors().Add("file", $"Colonnes manquantes : {string.Join(", ", missing)}. Colonnes attendues : {string.Join(";", Columns)}.");
        }

        var run = new ImportRun();
        while (await parser.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var line = parser.Parser.RawRow;
            var row = Columns.ToDictionary(c => c, c => headers.Contains(c) ? parser.GetField(c)?.Trim() ?? "" : "", StringComparer.Ordinal);
            if (row.Values.All(v => v.Length == 0))
            {
                continue;
            }
            if (++run.Rows > MaxRows)
            {
                return new ValidationErrors().Add("file", $"Le fichier dépasse {MaxRows} lignes : découpez-le.");
            }
            var reasons = await ImportRowAsync(row, run, actor, cancellationToken);
            if (reasons.Count > 0)
            {
                run.Errors.Add(new ImportRowError(line, reasons));
            }
        }
        return Result<ImportReport>.Success(new ImportReport(run.Rows, run.Created, run.Updated, run.Unchanged, run.Errors));
    }

    private async Task<List<string>> ImportRowAsync(Dictionary<string, string> row, ImportRun run, Actor actor, CancellationToken cancellationToken)
    {
        // 1. The row's own values.
        var reasons = new List<string>();
        var (region, regionErrors) = OrgTreeValidation.Region(new RegionInput(Blank(row["region_id"]), row["region"]));
        Collect(regionErrors, reasons, RegionColumns);
        NetworkValues? network = null;
        var hasNetwork = row["reseau_id"].Length > 0 || row["reseau"].Length > 0;
        if (hasNetwork)
        {
            var (values, errors) = OrgTreeValidation.Network(new NetworkInput(Blank(row["reseau_id"]), row["reseau"], row["association"], region?.Id ?? "x",
                row["coordination_administrative"], row["coordination_medicale"]));
            network = values;
            Collect(errors, reasons, NetworkColumns);
        }
        MicrostructureValues? microstructure = null;
        var hasMicrostructure = row["microstructure_id"].Length > 0 || row["microstructure"].Length > 0;
        if (hasMicrostructure)
        {
            if (!hasNetwork)
            {
                reasons.Add("Indiquez le réseau de la microstructure (colonnes reseau_id et reseau).");
            }
            var contacts = row["contacts"].Split([',', ' ', '|', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var (values, errors) = OrgTreeValidation.Microstructure(new MicrostructureInput(Blank(row["microstructure_id"]), network?.Id ?? "x",
                row["microstructure"], row["commune"], row["code_postal"], row["type"], contacts, row["ouverture"]));
            microstructure = values;
            Collect(errors, reasons, MicrostructureColumns);
        }
        TeamValues? team = null;
        var year = 0;
        if (row["annee"].Length > 0)
        {
            if (!int.TryParse(row["annee"], NumberStyles.None, CultureInfo.InvariantCulture, out year))
            {
                reasons.Add("L'année doit être un nombre, par exemple 2024.");
            }
            else if (!hasMicrostructure)
            {
                reasons.Add("Une composition d'équipe (annee) demande sa microstructure sur la même ligne.");
            }
            else
            {
                var (values, errors) = OrgTreeValidation.Team(new TeamInput(Count(row["medecins"]), Count(row["psychologues"]), Count(row["travailleurs_sociaux"]), Count(row["psychiatres"])), year, time);
                team = values;
                Collect(errors, reasons, TeamColumns);
            }
        }
        if (reasons.Count > 0)
        {
            return reasons;
        }

        // 2. Against earlier rows of the file and the stored tree, before writing anything.
        run.CheckSame("La région", region!.Id, region, reasons);
        if (network is not null)
        {
            run.CheckSame("Le réseau", network.Id, network, reasons);
        }
        if (microstructure is not null)
        {
            run.CheckSame("La microstructure", microstructure.Id, microstructure, reasons);
        }
        if (team is not null)
        {
            run.CheckSame("L'équipe " + year.ToString(CultureInfo.InvariantCulture) + " de la microstructure", microstructure!.Id + "|" + year.ToString(CultureInfo.InvariantCulture), team, reasons);
        }
        if (network is not null && !run.Seen("Le réseau", network.Id) && await store.GetRegionAsync(region.Id, cancellationToken) is { ClosedOn: not null })
        {
            reasons.Add($"La région « {region.Id} » est fermée.");
        }
        if (microstructure is not null)
        {
            if (!run.Seen("La microstructure", microstructure.Id) && await store.GetNetworkAsync(microstructure.NetworkId, cancellationToken) is { ClosedOn: not null })
            {
                reasons.Add($"Le réseau « {microstructure.NetworkId} » est fermé.");
            }
            if (await store.FindNetworkOfMicrostructureAsync(microstructure.Id, cancellationToken) is { } holder && holder != microstructure.NetworkId)
            {
                reasons.Add($"La microstructure « {microstructure.Id} » appartient déjà au réseau « {holder} ».");
            }
        }
        if (reasons.Count > 0)
        {
            return reasons;
        }

        // 3. Writes, top-down; each is a no-op when the stored values are the same. A region or network
        // already written by an earlier row of this file (same values, checked above) is not written again.
        if (!run.Seen("La région", region.Id))
        {
            run.Count(await service.UpsertRegionAsync(region, actor, cancellationToken), reasons);
        }
        if (network is not null && reasons.Count == 0 && !run.Seen("Le réseau", network.Id))
        {
            run.Count(await service.UpsertNetworkAsync(network, actor, cancellationToken), reasons);
        }
        if (microstructure is not null && reasons.Count == 0 && !run.Seen("La microstructure", microstructure.Id))
        {
            run.Count(await service.UpsertMicrostructureAsync(microstructure, actor, cancellationToken), reasons);
        }
        if (team is not null && reasons.Count == 0)
        {
            run.Count(await service.SetTeamAsync(microstructure!.Id, year, new TeamInput(team.Gps, team.Psychologists, team.SocialWorkers, team.Psychiatrists), actor, cancellationToken), reasons);
        }
        if (reasons.Count == 0)
        {
            run.Remember("La région", region.Id, region);
            if (network is not null)
            {
                run.Remember("Le réseau", network.Id, network);
            }
            if (microstructure is not null)
            {
                run.Remember("La microstructure", microstructure.Id, microstructure);
            }
            if (team is not null)
            {
                run.Remember("L'équipe " + year.ToString(CultureInfo.InvariantCulture) + " de la microstructure", microstructure!.Id + "|" + year.ToString(CultureInfo.InvariantCulture), team);
            }
        }
        return reasons;
    }

    private static string? Blank(string value) => value.Length == 0 ? null : value;

    private static int? Count(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    // Each reason names the spreadsheet column it is about ("code_postal : Indiquez ...").
    private static void Collect(ValidationErrors errors, List<string> reasons, Dictionary<string, string> columns)
    {
        foreach (var (field, messages) in errors.ToDictionary())
        {
            var column = columns.GetValueOrDefault(field, field);
            reasons.AddRange(messages.Select(m => column + " : " + m));
        }
    }

    private static readonly Dictionary<string, string> RegionColumns = new(StringComparer.Ordinal) { ["id"] = "region_id", ["name"] = "region" };

    private static readonly Dictionary<string, string> NetworkColumns = new(StringComparer.Ordinal)
    {
        ["id"] = "reseau_id", ["name"] = "reseau", ["carryingAssociation"] = "association",
        ["administrativeCoordinatorEmail"] = "coordination_administrative", ["medicalCoordinatorEmail"] = "coordination_medicale",
    };

    private static readonly Dictionary<string, string> MicrostructureColumns = new(StringComparer.Ordinal)
    {
        ["id"] = "microstructure_id", ["name"] = "microstructure", ["town"] = "commune", ["postcode"] = "code_postal",
        ["practiceType"] = "type", ["contactEmails"] = "contacts", ["openedOn"] = "ouverture",
    };

    private static readonly Dictionary<string, string> TeamColumns = new(StringComparer.Ordinal)
    {
        ["year"] = "annee", ["gps"] = "medecins", ["psychologists"] = "psychologues", ["socialWorkers"] = "travailleurs_sociaux", ["psychiatrists"] = "psychiatres",
    };

    private sealed class ImportRun
    {
        private readonly Dictionary<string, object> _seen = new(StringComparer.Ordinal);

        public int Rows { get; set; }
        public int Created { get; private set; }
        public int Updated { get; private set; }
        public int Unchanged { get; private set; }
        public List<ImportRowError> Errors { get; } = [];

        // The same id described twice in one file with different values is refused on the later row.
        public void CheckSame(string what, string id, object values, List<string> reasons)
        {
            if (_seen.TryGetValue(what + "|" + id, out var earlier) && AuditTrail.Diff(earlier, values).Count > 0)
            {
                reasons.Add($"{what} « {id} » apparaît plus haut dans le fichier avec d'autres valeurs.");
            }
        }

        public bool Seen(string what, string id) => _seen.ContainsKey(what + "|" + id);

        // Only the values of rows that were stored count as "described earlier".
        public void Remember(string what, string id, object values) => _seen.TryAdd(what + "|" + id, values);

        public void Count<T>(Result<Saved<T>> result, List<string> reasons)
        {
            if (!result.IsSuccess)
            {
                reasons.AddRange(result.Errors.SelectMany(e => e.Value));
                if (result.Detail is not null)
                {
                    reasons.Add(result.Detail);
                }
                return;
            }
            switch (result.Value!.Outcome)
            {
                case SaveOutcome.Created: Created++; break;
                case SaveOutcome.Updated: Updated++; break;
                default: Unchanged++; break;
            }
        }
    }
}
