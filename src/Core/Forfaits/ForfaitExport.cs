using System.Globalization;
using System.Text;

namespace Microstructures.Core.Forfaits;

// The forfaits as French Excel opens them (UTF-8 with BOM, ';', decimal comma). The first columns are
// the import's (ForfaitImport.Columns, fin_periode being the current period's end), so an exported file
// imported again changes nothing; the others say where each forfait stands. It holds pseudonyms: a
// download from the platform, never an e-mail attachment.
public static class ForfaitExport
{
    public static readonly IReadOnlyList<string> ExtraColumns =
        ["statut", "periode", "debut_periode", "montant_euros", "rappels", "motif_cloture", "date_cloture"];

    public static byte[] Write(IEnumerable<Forfait> forfaits)
    {
        ArgumentNullException.ThrowIfNull(forfaits);
        var text = new StringBuilder();
        text.AppendJoin(';', ForfaitImport.Columns.Concat(ExtraColumns)).Append("\r\n");
        foreach (var f in forfaits)
        {
            text.AppendJoin(';',
            [
                f.MicrostructureId, Cell(f.Pseudonym), f.SchemeId, Date(f.InclusionDate), Date(f.CurrentPeriod.End),
                StatusLabel(f.Status), f.CurrentPeriod.Number.ToString(CultureInfo.InvariantCulture), Date(f.CurrentPeriod.Start),
                f.CurrentPeriod.AmountEuros.ToString("0.##", ForfaitValidation.French),
                f.RemindersAcknowledged ? "pris en charge" : f.SnoozedReminderDays is { } days ? $"rappel à {days} jours reporté" : "",
                Cell(f.ClosureReasonLabel ?? ""), f.ClosedOn is { } closed ? Date(closed) : "",
            ]);
            text.Append("\r\n");
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static string StatusLabel(ForfaitStatus status) => status switch
    {
        ForfaitStatus.Active => "actif",
        ForfaitStatus.Lapsed => "échu sans renouvellement",
        _ => "clôturé",
    };

    // ISO dates, as the import reads them back.
    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Quoted when it holds a separator, a quote or a line break. Pseudonyms are A-Z, 0-9 and '-' only
    // and the other texts come from closed lists: nothing here starts a formula but a leading '-', which
    // is kept as is so the file imports back unchanged.
    private static string Cell(string text) =>
        text.IndexOfAny([';', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
