using System.Globalization;
using System.Text;

namespace Microstructures.Core.Indicators;

// The indicators as French Excel opens them: UTF-8 with BOM, ';', decimal comma, one row per node and
// indicator, the definition beside each value; a suppressed value is empty with "masqué".
public static class IndicatorCsv
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public static byte[] Write(IndicatorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var definitions = report.Definitions.ToDictionary(d => d.Code, StringComparer.Ordinal);
        var text = new StringBuilder();
        text.Append("niveau;identifiant;nom;annee;mois;code;indicateur;valeur;numerateur;denominateur;unite;masque;definition_numerateur;definition_denominateur;comptage;version_nomenclature\r\n");
        foreach (var node in report.Children.Prepend(report.Node))
        {
            foreach (var value in node.Values)
            {
                var d = definitions[value.Code];
                text.AppendJoin(';',
                [
                    IndicatorMessages.LevelLabel(node.Level), node.Id, Cell(node.Name), report.Year.ToString(CultureInfo.InvariantCulture),
                    report.Month?.ToString(CultureInfo.InvariantCulture) ?? "", value.Code, Cell(d.Label), Number(value.Value),
                    value.Numerator?.ToString(CultureInfo.InvariantCulture) ?? "", value.Denominator?.ToString(CultureInfo.InvariantCulture) ?? "",
                    IndicatorMessages.UnitLabel(d.Unit), value.Suppressed ? IndicatorMessages.Suppressed : "",
                    Cell(d.Numerator), Cell(d.Denominator ?? ""), Cell(d.Counting), report.VocabularyVersion,
                ]);
                text.Append("\r\n");
            }
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string Number(double? value) => value is { } v ? Math.Round(v, 2).ToString("0.##", French) : "";

    // Quoted when it holds a separator, a quote or a line break.
    private static string Cell(string text) =>
        text.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
