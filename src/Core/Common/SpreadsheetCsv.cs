using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Microstructures.Core.Common;

public sealed record CsvRow(int Line, IReadOnlyDictionary<string, string> Values);

public sealed record CsvFile(string Encoding, IReadOnlyList<string> Columns, IReadOnlyList<CsvRow> Rows);

// Reading a spreadsheet export as people make them: ';' (French Excel) or ',' separated, UTF-8 with or
// without BOM, UTF-16 with BOM ("Unicode text"), or Windows-1252 (Excel's "CSV" on a French Windows).
// The encoding is detected: a BOM says it; otherwise bytes that are valid UTF-8 are UTF-8 (a
// Windows-1252 accent is never followed by the continuation bytes UTF-8 requires), else Windows-1252.
public static class SpreadsheetCsv
{
    static SpreadsheetCsv() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static (string Text, string Encoding) Decode(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (Encoding.UTF8.GetString(content, 3, content.Length - 3), "UTF-8");
        }
        if (content.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (Encoding.Unicode.GetString(content, 2, content.Length - 2), "UTF-16");
        }
        if (content.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (Encoding.BigEndianUnicode.GetString(content, 2, content.Length - 2), "UTF-16");
        }
        try
        {
            return (new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(content), "UTF-8");
        }
        catch (DecoderFallbackException)
        {
            return (Encoding.GetEncoding(1252).GetString(content), "Windows-1252");
        }
    }

    // Header names are matched without case, accents, spaces or punctuation: "Date d'inclusion" is date_d_inclusion.
    public static CsvFile Read(byte[] content)
    {
        var (text, encoding) = Decode(content);
        var firstLine = text.Split('\n', 2)[0];
        var delimiter = firstLine.Count(c => c == ';') >= firstLine.Count(c => c == ',') ? ";" : ",";
        using var reader = new StringReader(text);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter,
            MissingFieldFound = null,
            BadDataFound = null,
            DetectColumnCountChanges = false,
            TrimOptions = TrimOptions.Trim,
        });
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } header)
        {
            return new CsvFile(encoding, [], []);
        }
        var columns = header.Select(ColumnName).ToList();
        var rows = new List<CsvRow>();
        while (csv.Read())
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < columns.Count; i++)
            {
                values.TryAdd(columns[i], csv.TryGetField<string>(i, out var value) ? value?.Trim() ?? "" : "");
            }
            if (values.Values.Any(v => v.Length > 0))
            {
                rows.Add(new CsvRow(csv.Parser.RawRow, values));
            }
        }
        return new CsvFile(encoding, columns, rows);
    }

    public static string ColumnName(string header)
    {
        var builder = new StringBuilder();
        foreach (var c in (header ?? "").Trim().Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (builder.Length > 0 && builder[^1] != '_')
            {
                builder.Append('_');
            }
        }
        return builder.ToString().Trim('_');
    }
}
