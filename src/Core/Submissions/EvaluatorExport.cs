using System.Text;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;

namespace Microstructures.Core.Submissions;

public sealed record EvaluatorDataset(string FileName, byte[] Csv, int Rows);

// The pseudonymous dataset handed to the evaluators of the national experiments: every stored fiche (or
// activity row) of a period, one CSV (UTF-8 with BOM, ';'), codes of the vocabularies, lists joined by '|',
// yes/no as yes and no, the vocabulary version in a column of every row. Each export is recorded in the
// audit trail (who, which kind and period, how many rows). Totals are not exported: they are sums.
public sealed class EvaluatorExport(SubmissionDataStore data, AuditTrail audit)
{
    public async Task<Result<EvaluatorDataset>> ExportAsync(string? kind, string? period, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var errors = new ValidationErrors();
        var parsedKind = SubmissionKinds.Parse(kind);
        if (parsedKind is null)
        {
            errors.Add("kind", SubmissionMessages.KindRequired);
        }
        if (!SubmissionPeriod.TryParse(period, out var parsedPeriod))
        {
            errors.Add("period", SubmissionMessages.PeriodRequired);
        }
        if (!errors.IsEmpty)
        {
            return errors;
        }
        var fields = SubmissionFields.Of(parsedKind!.Value).Where(f => !f.Name.EndsWith("Total", StringComparison.Ordinal)).ToList();
        var rows = new List<(string Network, string Microstructure, string Key, string Line)>();
        await foreach (var row in data.ScanAsync(parsedKind.Value, parsedPeriod, cancellationToken))
        {
            var values = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(row.Data, SubmissionRowJson.Options) ?? [];
            var cells = new List<string> { row.VocabularyVersion, row.NetworkId, row.Period };
            cells.AddRange(fields.Select(f => values.TryGetValue(f.Name, out var v) ? Cell(v) : ""));
            rows.Add((row.NetworkId, row.MicrostructureId, row.RowKey, string.Join(';', cells)));
        }
        var text = new StringBuilder();
        text.Append("version_nomenclature;reseau_id;periode;").AppendJoin(';', fields.Select(f => f.Column)).Append("\r\n");
        foreach (var row in rows.OrderBy(r => r.Network, StringComparer.Ordinal).ThenBy(r => r.Microstructure, StringComparer.Ordinal).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            text.Append(row.Line).Append("\r\n");
        }
        var id = $"{parsedKind.Value.Slug()}-{parsedPeriod}";
        await audit.RecordAsync(AuditEntityTypes.EvaluatorExport, id, actor, "exported", null, new { Kind = parsedKind.Value.Slug(), Period = parsedPeriod.ToString(), Rows = rows.Count }, cancellationToken);
        return Result<EvaluatorDataset>.Success(new EvaluatorDataset($"cnrms-{id}.csv", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())], rows.Count));
    }

    private static string Cell(System.Text.Json.JsonElement value) => value.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Array => string.Join(SubmissionFields.ListSeparator, value.EnumerateArray().Select(i => i.GetString())),
        System.Text.Json.JsonValueKind.True => "yes",
        System.Text.Json.JsonValueKind.False => "no",
        System.Text.Json.JsonValueKind.Null => "",
        System.Text.Json.JsonValueKind.String => value.GetString() ?? "",
        _ => value.GetRawText(),
    };
}
