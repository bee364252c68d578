using System.Globalization;
using Microstructures.Core.Common;
using Microstructures.Core.Indicators;
using Microstructures.Core.Submissions;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Indicators;

// One bar: its length (null: no bar) and the text shown beside it and in the data table.
public sealed record ChartBar(double? Value, string Text);

// ChartLabel: a shorter label for the chart, whose SVG text does not wrap (the table has the full one).
public sealed record ChartRow(string Label, IReadOnlyList<ChartBar> Bars, string? ChartLabel = null);

// A horizontal bar chart drawn as SVG by the template (no script, no external library), with the same
// figures as a table for screen readers and print. Series: one bar per row and series (years, kinds).
// RowHeading: the header of the data table's first column.
public sealed record Chart(string Id, string Title, string Note, IReadOnlyList<string> Series, IReadOnlyList<ChartRow> Rows, string RowHeading = "Catégorie")
{
    public const int RowLabelHeight = 20;
    public const int BarHeight = 14;
    public const int BarGap = 4;
    public const int RowGap = 10;

    // Bars take at most 70 % of the width; the value is written after the bar.
    public const double MaxBarPercent = 70;

    public double Max => Rows.SelectMany(r => r.Bars).Max(b => b.Value ?? 0);

    public int RowHeight => RowLabelHeight + Series.Count * (BarHeight + BarGap) + RowGap;

    public int Height => Rows.Count * RowHeight;

    public string BarPercent(ChartBar bar) => Percent(Max > 0 && bar.Value is { } v ? v / Max * MaxBarPercent : 0);

    public string TextPercent(ChartBar bar) => Percent((Max > 0 && bar.Value is { } v ? v / Max * MaxBarPercent : 0) + 1.5);

    private static string Percent(double value) => value.ToString("0.##", CultureInfo.InvariantCulture) + "%";
}

public sealed record KeyFigure(string Label, string Value);

// Who the dashboard is drawn for: the public (suppressed figures of the nation by region), the staff
// (the same, nothing suppressed) or a network with its key (its own figures by microstructure, unsuppressed).
public enum DashboardView
{
    Public,
    Staff,
    Network,
}

public sealed record DashboardScope(DashboardView View, IndicatorLevel Level, string? Id, IndicatorAudience Audience)
{
    public static DashboardScope Public { get; } = new(DashboardView.Public, IndicatorLevel.Nation, null, IndicatorAudience.Public);

    public static DashboardScope Staff { get; } = new(DashboardView.Staff, IndicatorLevel.Nation, null, IndicatorAudience.Staff);

    public static DashboardScope Network(string networkId) => new(DashboardView.Network, IndicatorLevel.Network, networkId, IndicatorAudience.Network(networkId));
}

// Regions: the key figures of each child (region, or microstructure of a network) and of the whole
// (last row, named ScopeName), columns RegionColumns.
public sealed record DashboardModel(int Year, IReadOnlyList<int> Years, IReadOnlyList<KeyFigure> KeyFigures, IReadOnlyList<Chart> Charts, bool HasData, IReadOnlyList<ChartRow> Regions)
{
    public static IReadOnlyList<string> RegionColumns { get; } = ["Patients suivis", "Nouvelles inclusions", "Part des femmes", "Âge moyen", "Microstructures", "Réunions de synthèse"];

    public DashboardView View { get; init; } = DashboardView.Public;

    public string ScopeName { get; init; } = DashboardBuilder.NationName;

    // Where the year picker goes: the page that shows this dashboard.
    public string FormAction => View switch
    {
        DashboardView.Staff => StaffDashboardHttp.PageHref,
        DashboardView.Network => NetworkDashboardHttp.PageHref,
        _ => DashboardHttp.Href,
    };

    public string KeyFiguresHref => $"{KeyFiguresHttp.Href}?year={Year.ToString(CultureInfo.InvariantCulture)}";

    public string DashboardHref => $"{DashboardHttp.Href}?year={Year.ToString(CultureInfo.InvariantCulture)}";

    // The network's id when View is Network.
    public string? ScopeId { get; init; }

    // The figures of this dashboard as CSV, for its reader: the public file is a plain link; the staff's
    // and a network's (unsuppressed) need their key, so their page's script fetches and saves them.
    public string CsvHref => View switch
    {
        DashboardView.Staff => $"/api/manage/indicators.csv?year={Year.ToString(CultureInfo.InvariantCulture)}",
        DashboardView.Network => $"/api/network/indicators.csv?level=network&id={Uri.EscapeDataString(ScopeId ?? "")}&year={Year.ToString(CultureInfo.InvariantCulture)}",
        _ => $"/api/indicators.csv?year={Year.ToString(CultureInfo.InvariantCulture)}",
    };

    public string JsonHref => $"/api/indicators?year={Year.ToString(CultureInfo.InvariantCulture)}";
}

// The dashboard's figures as its reader may see them (DashboardScope): for the nation (public: suppressed
// counts stay hidden; staff: nothing hidden), the key figures and tables for the year, patients by region
// over three years, and completeness by network (one read per region); for a network with its key, the
// same by microstructure, its own figures unsuppressed.
public sealed class DashboardBuilder(IndicatorService indicators)
{
    private const int YearsShown = 3;

    public const string NationName = "France entière";

    public Task<Result<DashboardModel>> BuildAsync(int year, int latestYear, CancellationToken cancellationToken = default) =>
        BuildAsync(DashboardScope.Public, year, latestYear, cancellationToken);

    public async Task<Result<DashboardModel>> BuildAsync(DashboardScope scope, int year, int latestYear, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var read = await indicators.GetAsync(scope.Level, scope.Id, year, scope.Audience, null, cancellationToken);
        if (!read.IsSuccess)
        {
            return read.Kind == ResultKind.NotFound ? Result<DashboardModel>.NotFound(read.Detail!) : Result<DashboardModel>.Invalid(read.Errors);
        }
        var report = read.Value!;
        var years = new List<IndicatorReport> { report };
        for (var y = year - 1; y > year - YearsShown && y >= SubmissionPeriod.EarliestYear; y--)
        {
            years.Insert(0, (await indicators.GetAsync(scope.Level, scope.Id, y, scope.Audience, null, cancellationToken)).Value!);
        }
        var byNetwork = scope.Level == IndicatorLevel.Nation;
        var completeness = new List<IndicatorNode>();
        if (byNetwork)
        {
            foreach (var region in report.Children)
            {
                var regional = await indicators.GetAsync(IndicatorLevel.Region, region.Id, year, scope.Audience, null, cancellationToken);
                completeness.AddRange(regional.Value?.Children ?? []);
            }
        }
        else
        {
            completeness.AddRange(report.Children);
        }
        var node = report.Node;
        var whole = byNetwork ? NationName : node.Name;
        var (childHeading, childrenTitle, childrenNote) = byNetwork
            ? ("Région", "Patients suivis par région et par année", "File active de chaque région, pour les trois dernières années.")
            : ("Microstructure", "Patients suivis par microstructure et par année", "File active de chaque microstructure du réseau, pour les trois dernières années.");
        var charts = new List<Chart>
        {
            new("patients-regions", childrenTitle, childrenNote,
                years.Select(r => r.Year.ToString(CultureInfo.InvariantCulture)).ToList(),
                report.Children.Select(child => new ChartRow(child.Name, years.Select(r => Count(r.Children.FirstOrDefault(c => c.Id == child.Id), FactCodes.Patients)).ToList())).ToList(),
                childHeading),
            new("women", "Part des femmes", "Patients suivis de sexe féminin, en pourcentage des patients suivis.",
                [year.ToString(CultureInfo.InvariantCulture)],
                report.Children.Prepend(node).Select(n => new ChartRow(n == node ? whole : n.Name, [Share(n, FactCodes.Sex("female") + ".share")])).ToList(),
                childHeading),
            Table(node, "reasons", "Motif principal d'inclusion", "Un patient compte une fois, pour son motif principal.", Vocabularies.Reason.Terms.Select(t => (t.Label, FactCodes.MainReason(t.Code)))),
            Table(node, "substances", "Produit principal à l'inclusion", "Un patient compte une fois, pour son produit principal.",
                Vocabularies.Substance.Terms.Select(t => (t.Label, FactCodes.MainSubstance(t.Code))).Append(("Non renseigné", FactCodes.MainSubstance(FactCodes.Unknown)))),
            Table(node, "disorders", "Troubles psychiatriques (CIM-10, chapitre F)", "Un patient compte dans chacun de ses groupes de troubles : le total peut dépasser le nombre de patients.",
                Vocabularies.Disorder.Terms.Select(t => (t.Label, FactCodes.Disorder(t.Code))), shortLabels: true),
            new("acts", "Actes par profession", "Somme des actes déclarés dans l'activité des microstructures.", [year.ToString(CultureInfo.InvariantCulture)],
                Vocabularies.Profession.Terms.Select(t => new ChartRow(t.Label, [Count(node, FactCodes.Acts(t.Code))])).ToList()),
            byNetwork
                ? new("completeness", "Complétude par réseau", "Microstructures ayant envoyé leurs données, en pourcentage des microstructures ouvertes pendant l'année.",
                    ["Fiches patients", "Activité"],
                    completeness.Select(n => new ChartRow(n.Name, [Share(n, "reports.fiches.completeness"), Share(n, "reports.activity.completeness")])).ToList(), "Réseau")
                : new("completeness", "Complétude par microstructure", "100\u00A0% : la microstructure a envoyé ses données de l'année ; 0\u00A0% : rien n'a encore été reçu.",
                    ["Fiches patients", "Activité"],
                    completeness.Select(n => new ChartRow(n.Name, [Share(n, "reports.fiches.completeness"), Share(n, "reports.activity.completeness")])).ToList(), "Microstructure"),
        };
        var figures = new List<KeyFigure>
        {
            new("Patients suivis", Text(node[FactCodes.Patients], IndicatorUnit.Patients)),
            new("Nouvelles inclusions", Text(node[FactCodes.NewInclusions], IndicatorUnit.Patients)),
            new("Part des femmes", Text(node[FactCodes.Sex("female") + ".share"], IndicatorUnit.Percent)),
            new("Âge moyen", Text(node["age.mean"], IndicatorUnit.Years) + (node["age.sd"].Value is { } sd ? $" (écart type {Years(sd)})" : "")),
            new("Microstructures", Text(node["teams.microstructures"], IndicatorUnit.Microstructures)),
            new("Médecins généralistes", Text(node["teams.gps"], IndicatorUnit.Professionals)),
            new("Psychologues", Text(node["teams.psychologists"], IndicatorUnit.Professionals)),
            new("Travailleurs sociaux", Text(node["teams.social-workers"], IndicatorUnit.Professionals)),
            new("Psychiatres", Text(node["teams.psychiatrists"], IndicatorUnit.Professionals)),
            new("Réunions de synthèse", Text(node[FactCodes.CaseReviewMeetings], IndicatorUnit.Meetings)),
        };
        var regions = report.Children.Append(node).Select(n => new ChartRow(n == node ? whole : n.Name,
        [
            Figure(n, FactCodes.Patients, IndicatorUnit.Patients), Figure(n, FactCodes.NewInclusions, IndicatorUnit.Patients),
            Figure(n, FactCodes.Sex("female") + ".share", IndicatorUnit.Percent), Figure(n, "age.mean", IndicatorUnit.Years),
            Figure(n, "teams.microstructures", IndicatorUnit.Microstructures), Figure(n, FactCodes.CaseReviewMeetings, IndicatorUnit.Meetings),
        ])).ToList();
        var allYears = Enumerable.Range(SubmissionPeriod.EarliestYear, latestYear - SubmissionPeriod.EarliestYear + 1).Reverse().ToList();
        return Result<DashboardModel>.Success(new DashboardModel(year, allYears, figures, charts, node[FactCodes.Patients].Value is > 0 || node[FactCodes.Patients].Suppressed, regions)
        {
            View = scope.View,
            ScopeName = whole,
            ScopeId = scope.Id,
        });
    }

    // shortLabels: the chart names a row by the label's first word (the ICD-10 group), the table in full.
    private static Chart Table(IndicatorNode node, string id, string title, string note, IEnumerable<(string Label, string Code)> cells, bool shortLabels = false) =>
        new(id, title, note, ["Patients"], cells.Select(c => new ChartRow(c.Label, [CountAndShare(node, c.Code)], shortLabels ? c.Label.Split(' ')[0] : null)).ToList());

    public const string SuppressedText = "masqué";

    private static ChartBar Count(IndicatorNode? node, string code)
    {
        var value = node?.Values.FirstOrDefault(v => v.Code == code);
        return value is null ? new ChartBar(null, "—") : value.Suppressed ? new ChartBar(null, SuppressedText) : new ChartBar(value.Value, French.Number((long)(value.Value ?? 0)));
    }

    private static ChartBar Share(IndicatorNode node, string code)
    {
        var value = node.Values.FirstOrDefault(v => v.Code == code);
        return value is null ? new ChartBar(null, "—") : value.Suppressed ? new ChartBar(null, SuppressedText) : new ChartBar(value.Value, Percent(value.Value));
    }

    private static ChartBar CountAndShare(IndicatorNode node, string code)
    {
        var count = Count(node, code);
        var share = node.Values.FirstOrDefault(v => v.Code == code + ".share");
        return count.Value is null || share?.Value is null ? count : count with { Text = $"{count.Text} ({Percent(share.Value)})" };
    }

    private static ChartBar Figure(IndicatorNode node, string code, IndicatorUnit unit) =>
        node.Values.FirstOrDefault(v => v.Code == code) is { } value ? new ChartBar(value.Value, Text(value, unit)) : new ChartBar(null, "—");

    private static string Percent(double? value) => value is { } v ? v.ToString("0.0", French.Culture) + "\u00A0%" : "—";

    private static string Years(double value) => value.ToString("0.0", French.Culture) + "\u00A0ans";

    private static string Text(IndicatorValue value, IndicatorUnit unit) => value switch
    {
        { Suppressed: true } => SuppressedText,
        { Value: null } => "—",
        _ => unit switch
        {
            IndicatorUnit.Percent => Percent(value.Value),
            IndicatorUnit.Years => Years(value.Value!.Value),
            _ => French.Number((long)Math.Round(value.Value!.Value)),
        },
    };
}
