using System.Text.Json.Nodes;
using Microstructures.Core.Submissions;

namespace Microstructures.Core.Tests.Submissions;

// Builds a submission's rows once and renders them as CSV (French Excel: ';', '|' in lists, oui/non) or
// as the JSON document, so that both formats carry exactly the same data.
public sealed class Sheet(SubmissionKind kind)
{
    private readonly List<Dictionary<string, object?>> _rows = [];

    public SubmissionKind Kind => kind;
    public int Count => _rows.Count;
    public IReadOnlyList<Dictionary<string, object?>> Rows => _rows;

    // A fiche with sensible defaults; `set` overrides fields by JSON name (null removes one).
    public static Dictionary<string, object?> Fiche(string microstructureId, string pseudonym, int birthYear = 1980, string sex = "female", string inclusionDate = "2024-03-01") => new()
    {
        ["microstructureId"] = microstructureId,
        ["pseudonym"] = pseudonym,
        ["birthYear"] = birthYear,
        ["sex"] = sex,
        ["inclusionDate"] = inclusionDate,
        ["experiment"] = "equip-addict",
        ["mainReason"] = "addiction",
        ["otherReasons"] = new[] { "precarity" },
        ["mainSubstance"] = "alcohol",
        ["otherSubstances"] = new[] { "tobacco" },
        ["polyUse"] = true,
        ["disorders"] = new[] { "F30-F39" },
        ["stableHousing"] = false,
        ["income"] = "minimum-income",
        ["healthRightsProblems"] = true,
        ["screenings"] = new[] { "hiv", "hcv" },
        ["hbvVaccinated"] = false,
        ["hcvTreatment"] = "none",
        ["actsGp"] = 6,
        ["actsPsychologist"] = 4,
        ["actsSocialWorker"] = 2,
        ["actsPsychiatrist"] = 0,
    };

    public static Dictionary<string, object?> Activity(string microstructureId) => new()
    {
        ["microstructureId"] = microstructureId,
        ["actsGp"] = 820,
        ["actsPsychologist"] = 310,
        ["actsSocialWorker"] = 190,
        ["actsPsychiatrist"] = 12,
        ["caseReviewMeetings"] = 11,
        ["screeningsHiv"] = 14,
        ["screeningsHcv"] = 17,
        ["screeningsHbv"] = 12,
        ["hbvVaccinations"] = 5,
        ["hcvTreatmentsStarted"] = 2,
        ["hcvTreatmentsContinued"] = 1,
        ["fibroscanActs"] = 9,
    };

    public Sheet Add(Dictionary<string, object?> row, Action<Dictionary<string, object?>>? change = null)
    {
        change?.Invoke(row);
        _rows.Add(row);
        return this;
    }

    private IEnumerable<string> Names => SubmissionFields.Of(kind).Select(f => f.Name).Where(n => _rows.Any(r => r.ContainsKey(n)))
        .Concat(_rows.SelectMany(r => r.Keys).Where(k => SubmissionFields.Of(kind).All(f => f.Name != k)).Distinct());

    private static string Column(SubmissionKind kind, string name) => SubmissionFields.Of(kind).FirstOrDefault(f => f.Name == name)?.Column ?? name;

    public string Csv()
    {
        var names = Names.ToList();
        var lines = new List<string> { string.Join(';', names.Select(n => Column(kind, n))) };
        lines.AddRange(_rows.Select(r => string.Join(';', names.Select(n => CsvCell(r.GetValueOrDefault(n))))));
        return string.Join("\r\n", lines) + "\r\n";
    }

    private static string CsvCell(object? value) => value switch
    {
        null => "",
        bool b => b ? "oui" : "non",
        string[] list => string.Join('|', list),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    public string Json()
    {
        var array = new JsonArray();
        foreach (var row in _rows)
        {
            var item = new JsonObject();
            foreach (var (name, value) in row)
            {
                item[name] = value switch
                {
                    null => null,
                    string[] list => new JsonArray(list.Select(s => (JsonNode?)s).ToArray()),
                    int i => i,
                    bool b => b,
                    _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                };
            }
            array.Add(item);
        }
        return new JsonObject { [SubmissionFields.RowsProperty(kind)] = array }.ToJsonString();
    }

    public byte[] CsvUtf8() => SubmissionHarness.Utf8Bom(Csv());

    public byte[] JsonUtf8() => System.Text.Encoding.UTF8.GetBytes(Json());
}
