using System.Globalization;
using System.Text.Json;
using Microstructures.Core.Common;
using Microstructures.Core.Privacy;

namespace Microstructures.Core.Submissions;

public enum SubmissionFormat
{
    Csv,
    Json,
}

// One value as sent: its text, and for a list field its items (a JSON array, or a CSV cell split on '|').
public sealed record RawValue(string Text, IReadOnlyList<string> Items);

// One row as sent, keyed by field name (the JSON property), Line being the CSV line or the JSON index.
public sealed record RawRow(int Line, IReadOnlyDictionary<string, RawValue> Values);

public sealed record RawSubmission(SubmissionFormat Format, string Encoding, string? VocabularyVersion, IReadOnlyList<RawRow> Rows)
{
    public string Where(int line) => SubmissionMessages.Where(Format, line);
}

// The file-level reading of a submission: its format, its shape (known fields only, the rows array
// or the CSV header), and the privacy rules that refuse the whole file: identifying data in any value,
// a pseudonym outside the platform's format, a birth date instead of a birth year, a field or column
// the schema does not have. Nothing here writes anything: a refused file is never stored.
public static class SubmissionReader
{
    private static readonly string[] AllowedTopLevel = ["$schema", "vocabularyVersion", "kind", "period"];

    public static (RawSubmission? File, IReadOnlyList<string> Refusals) Read(
        byte[] content, string? contentType, SubmissionKind kind, SubmissionPeriod period, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(content);
        var format = FormatOf(content, contentType);
        var refusals = new List<string>();
        var file = format == SubmissionFormat.Json
            ? ReadJson(content, kind, period, maxRows, refusals)
            : ReadCsv(content, kind, maxRows, refusals);
        if (file is null)
        {
            return (null, refusals);
        }
        if (file.Rows.Count == 0 && refusals.Count == 0)
        {
            return (null, [SubmissionMessages.NoRows]);
        }
        if (file.VocabularyVersion is { } version && !Vocabularies.IsSupported(version))
        {
            refusals.Add(SubmissionMessages.UnknownVocabularyVersion(version));
        }
        // Scanned even when the shape is already refused: the network learns every reason at once.
        refusals.AddRange(IdentifyingData(file, kind));
        return refusals.Count > 0 ? (null, refusals) : (file, refusals);
    }

    public static SubmissionFormat FormatOf(byte[] content, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(content);
        var type = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (type is "application/json" || type.EndsWith("+json", StringComparison.Ordinal))
        {
            return SubmissionFormat.Json;
        }
        if (type is "text/csv" or "application/csv" or "application/vnd.ms-excel")
        {
            return SubmissionFormat.Csv;
        }
        // No useful type (text/plain, octet-stream, none): a document starting with '{' is JSON.
        var (text, _) = SpreadsheetCsv.Decode(content.Length > 4096 ? content[..4096] : content);
        return text.TrimStart().StartsWith('{') ? SubmissionFormat.Json : SubmissionFormat.Csv;
    }

    private static RawSubmission? ReadCsv(byte[] content, SubmissionKind kind, int maxRows, List<string> refusals)
    {
        var fields = SubmissionFields.Of(kind);
        var file = SpreadsheetCsv.Read(content);
        if (file.Columns.Count == 0)
        {
            refusals.Add(SubmissionMessages.NoRows);
            return null;
        }
        var byColumn = new Dictionary<string, SubmissionField>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            byColumn[field.Column] = field;
            byColumn.TryAdd(SpreadsheetCsv.ColumnName(field.Label), field);
            byColumn.TryAdd(SpreadsheetCsv.ColumnName(field.Name), field);
        }
        var known = new Dictionary<string, SubmissionField>(StringComparer.Ordinal);
        foreach (var column in file.Columns.Distinct(StringComparer.Ordinal))
        {
            if (byColumn.TryGetValue(column, out var field))
            {
                if (known.ContainsValue(field))
                {
                    refusals.Add(SubmissionMessages.DuplicateColumn(field.Column));
                }
                known[column] = field;
            }
            else if (column.Length > 0 || file.Rows.Any(r => r.Values.GetValueOrDefault(column, "").Length > 0))
            {
                refusals.Add(SubmissionMessages.UnknownColumn(column.Length > 0 ? column : "(sans nom)", kind));
            }
        }
        if (file.Columns.Count != file.Columns.Distinct(StringComparer.Ordinal).Count())
        {
            refusals.Add(SubmissionMessages.DuplicateColumn(file.Columns.GroupBy(c => c, StringComparer.Ordinal).First(g => g.Count() > 1).Key));
        }
        var missing = fields.Where(f => f.Required && !known.ContainsValue(f)).Select(f => f.Column).ToList();
        if (missing.Count > 0)
        {
            refusals.Add(SubmissionMessages.MissingColumns(missing, kind));
        }
        if (file.Rows.Count > maxRows)
        {
            refusals.Add(SubmissionMessages.TooManyRows(maxRows));
        }
        // Every cell is scanned for identifying data, the unknown columns' too.
        var rows = file.Rows.Select(r => new RawRow(r.Line, r.Values.ToDictionary(
            v => known.TryGetValue(v.Key, out var f) ? f.Name : "?" + v.Key,
            v => known.TryGetValue(v.Key, out var f) && f.Type == FieldType.Codes ? Split(v.Value) : new RawValue(v.Value, [v.Value]),
            StringComparer.Ordinal))).ToList();
        return new RawSubmission(SubmissionFormat.Csv, file.Encoding, null, rows);
    }

    private static RawSubmission? ReadJson(byte[] content, SubmissionKind kind, SubmissionPeriod period, int maxRows, List<string> refusals)
    {
        var (text, encoding) = SpreadsheetCsv.Decode(content);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            refusals.Add(SubmissionMessages.NotJson);
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            var rowsProperty = SubmissionFields.RowsProperty(kind);
            if (root.ValueKind != JsonValueKind.Object)
            {
                refusals.Add(SubmissionMessages.JsonShape(rowsProperty));
                return null;
            }
            string? version = null;
            JsonElement? rowsElement = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    refusals.Add(SubmissionMessages.DuplicateField("(document)", property.Name));
                }
                else if (property.Name == rowsProperty)
                {
                    rowsElement = property.Value;
                }
                else if (property.Name == "vocabularyVersion" && property.Value.ValueKind == JsonValueKind.String)
                {
                    version = property.Value.GetString();
                }
                else if (property.Name == "kind" && property.Value.ValueKind == JsonValueKind.String)
                {
                    if (SubmissionKinds.Parse(property.Value.GetString()) != kind)
                    {
                        refusals.Add(SubmissionMessages.KindMismatch(kind));
                    }
                }
                else if (property.Name == "period" && property.Value.ValueKind == JsonValueKind.String)
                {
                    if (!SubmissionPeriod.TryParse(property.Value.GetString(), out var stated) || stated != period)
                    {
                        refusals.Add(SubmissionMessages.PeriodMismatch(period));
                    }
                }
                else if (property.Name == "$schema" && property.Value.ValueKind == JsonValueKind.String)
                {
                    continue;
                }
                else
                {
                    refusals.Add(AllowedTopLevel.Contains(property.Name, StringComparer.Ordinal)
                        ? SubmissionMessages.JsonShape(rowsProperty)
                        : SubmissionMessages.UnknownField("(document)", property.Name, kind));
                }
            }
            if (rowsElement is not { ValueKind: JsonValueKind.Array } array)
            {
                refusals.Add(SubmissionMessages.JsonShape(rowsProperty));
                return null;
            }
            if (array.GetArrayLength() > maxRows)
            {
                refusals.Add(SubmissionMessages.TooManyRows(maxRows));
                return null;
            }
            var fields = SubmissionFields.Of(kind).ToDictionary(f => f.Name, StringComparer.Ordinal);
            var rows = new List<RawRow>();
            var index = 0;
            foreach (var element in array.EnumerateArray())
            {
                var where = SubmissionMessages.Where(SubmissionFormat.Json, index);
                if (element.ValueKind != JsonValueKind.Object)
                {
                    refusals.Add(SubmissionMessages.RowNotObject(where));
                    index++;
                    continue;
                }
                var values = new Dictionary<string, RawValue>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var known = fields.TryGetValue(property.Name, out var field);
                    if (!known)
                    {
                        refusals.Add(SubmissionMessages.UnknownField(where, property.Name, kind));
                    }
                    if (!values.TryAdd(known ? property.Name : "?" + property.Name, ToRaw(property.Value, field?.Type)))
                    {
                        refusals.Add(SubmissionMessages.DuplicateField(where, property.Name));
                    }
                    if (property.Value.ValueKind == JsonValueKind.Object
                        || (property.Value.ValueKind == JsonValueKind.Array && property.Value.EnumerateArray().Any(i => i.ValueKind is JsonValueKind.Object or JsonValueKind.Array)))
                    {
                        refusals.Add(SubmissionMessages.NestedValue(where, property.Name));
                    }
                }
                rows.Add(new RawRow(index, values));
                index++;
            }
            return new RawSubmission(SubmissionFormat.Json, encoding, version, rows);
        }
    }

    private static RawValue ToRaw(JsonElement value, FieldType? type)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString() ?? "";
                return type == FieldType.Codes ? Split(text) : new RawValue(text.Trim(), [text.Trim()]);
            case JsonValueKind.Number:
                return new RawValue(value.GetRawText(), [value.GetRawText()]);
            case JsonValueKind.True:
                return new RawValue("yes", ["yes"]);
            case JsonValueKind.False:
                return new RawValue("no", ["no"]);
            case JsonValueKind.Array:
                var items = value.EnumerateArray().Select(i => i.ValueKind switch
                {
                    JsonValueKind.String => (i.GetString() ?? "").Trim(),
                    JsonValueKind.Null => "",
                    _ => i.GetRawText(),
                }).Where(i => i.Length > 0).ToList();
                return new RawValue(string.Join(SubmissionFields.ListSeparator, items), items);
            case JsonValueKind.Object:
                // Kept whole so that the privacy scan sees every text it holds; refused as nested anyway.
                return new RawValue(value.GetRawText(), [value.GetRawText()]);
            default:
                return new RawValue("", []);
        }
    }

    private static RawValue Split(string text)
    {
        var items = text.Split(SubmissionFields.ListSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new RawValue(text.Trim(), items);
    }

    // Every value of every row, known fields or not. A pseudonym outside the format may be a name or an
    // identifier, and a full date in the birth-year field is a birth date: both refuse the file too.
    private static List<string> IdentifyingData(RawSubmission file, SubmissionKind kind)
    {
        var refusals = new List<string>();
        var labels = SubmissionFields.Of(kind).ToDictionary(f => f.Name, f => file.Format == SubmissionFormat.Csv ? f.Column : f.Name, StringComparer.Ordinal);
        foreach (var row in file.Rows)
        {
            var where = file.Where(row.Line);
            foreach (var (name, value) in row.Values)
            {
                if (value.Text.Length == 0)
                {
                    continue;
                }
                var field = labels.GetValueOrDefault(name, name.TrimStart('?'));
                if (Privacy.IdentifyingData.Detect(value.Text) is { } found)
                {
                    refusals.Add(SubmissionMessages.Identifying(file.Format, where, field, PrivacyMessages.Describe(found)));
                }
                else if (name == "pseudonym" && Pseudonyms.Validate(value.Text) is { } pseudonymError)
                {
                    refusals.Add(SubmissionMessages.PseudonymRefused(file.Format, where, field, pseudonymError));
                }
                else if (name == "birthYear" && LooksLikeBirthDate(value.Text))
                {
                    refusals.Add(SubmissionMessages.BirthDateRefused(file.Format, where, field));
                }
            }
        }
        return refusals;
    }

    // "12/03/1985", "1985-03-12", "12.03.85", "12031985": a day and a month beside the year.
    private static bool LooksLikeBirthDate(string text)
    {
        var trimmed = text.Trim();
        var separators = trimmed.Count(c => c is '/' or '-' or '.' or ' ');
        var longestRun = trimmed.Split(['/', '-', '.', ' ']).Max(p => p.Length);
        return trimmed.Any(char.IsAsciiDigit) && (separators >= 2 || (longestRun >= 6 && trimmed.All(char.IsAsciiDigit)));
    }
}
