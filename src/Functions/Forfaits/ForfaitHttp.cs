using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Forfaits;
using Microstructures.Core.ReferenceData;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Forfaits;

// What the network and staff forfait functions share: the CSV import and export, the figures' query.
public static class ForfaitHttp
{
    public const int MaxImportBytes = 4 * 1024 * 1024;

    public static async Task<IResult> ImportAsync(HttpRequest request, ForfaitImport import, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(import);
        if (request.ContentLength is > MaxImportBytes)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Le fichier dépasse 4 Mo\u00A0: découpez-le."] }, title: "Requête invalide");
        }
        // A chunked upload has no Content-Length: past the limit while reading is a 413.
        var content = await request.ReadBytesAsync(MaxImportBytes, cancellationToken);
        if (content.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Choisissez un fichier CSV (colonnes " + string.Join(";", ForfaitImport.Columns) + ")."] }, title: "Requête invalide");
        }
        return (await import.ImportAsync(content, actor, cancellationToken)).ToHttp();
    }

    public static IResult Export(Result<IReadOnlyList<Forfait>> forfaits, string fileName) =>
        forfaits.ToHttp(list => TypedResults.File(ForfaitExport.Write(list), "text/csv; charset=utf-8", fileName));

    // ?level=nation|region|network|microstructure&id=…; a network without a level gets its own network.
    public static async Task<IResult> FiguresAsync(HttpRequest request, ForfaitFigures figures, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(actor);
        var levelText = request.QueryValue("level");
        var id = request.QueryValue("id");
        FigureLevel level;
        if (string.IsNullOrWhiteSpace(levelText))
        {
            (level, id) = actor.NetworkId is { } own ? (FigureLevel.Network, id ?? own) : (FigureLevel.Nation, null);
        }
        else if (!Enum.TryParse(levelText, ignoreCase: true, out level) || !Enum.IsDefined(level))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["level"] = ["Indiquez le niveau parmi : nation, region, network, microstructure."] }, title: "Requête invalide");
        }
        if (level != FigureLevel.Nation && string.IsNullOrWhiteSpace(id))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["Indiquez l'identifiant de la région, du réseau ou de la microstructure."] }, title: "Requête invalide");
        }
        return (await figures.GetAsync(level, id, actor, cancellationToken)).ToHttp();
    }

    // ?date=AAAA-MM-JJ, today (Paris) when absent.
    public static bool TryReadDate(HttpRequest request, TimeProvider time, out DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = request.QueryValue("date");
        if (string.IsNullOrWhiteSpace(text))
        {
            date = OrgDates.Today(time);
            return true;
        }
        return OrgDates.TryParse(text, out date);
    }
}
