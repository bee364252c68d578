using System.Text;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Indicators;
using Microstructures.Core.Submissions;
using Microstructures.Core.Tests.Submissions;
using Microstructures.TestSupport;
using static Microstructures.Core.Tests.Submissions.SubmissionHarness;

namespace Microstructures.Core.Tests.Indicators;

public sealed class IndicatorServiceTests(Azurite azurite) : IClassFixture<Azurite>
{
    private const SubmissionKind Fiches = SubmissionKind.PatientFiches;
    private const SubmissionKind Activity = SubmissionKind.MicrostructureActivity;

    private async Task<SubmissionHarness> StartAsync()
    {
        var h = new SubmissionHarness(azurite.IsolatedConnectionString());
        await h.SeedTreeAsync();
        return h;
    }

    // Deterministic varied fiches: A1 12 patients, A2 3, B1 7, C1 2.
    private static Dictionary<string, Sheet> Data(bool labels = false)
    {
        var random = new Random(11);
        string[] reasons = ["addiction", "precarity", "mental-health"];
        string[] substances = ["alcohol", "tobacco", "cannabis", "cocaine", "opiates", "substitution-misuse", "other-medicines", "other"];
        var sheets = new Dictionary<string, Sheet>();
        foreach (var (ms, count) in new[] { (A1, 12), (A2, 3), (B1, 7), (C1, 2) })
        {
            var sheet = sheets[ms] = new Sheet(Fiches);
            for (var i = 0; i < count; i++)
            {
                var main = reasons[random.Next(3)];
                var substance = substances[random.Next(substances.Length)];
                sheet.Add(Sheet.Fiche(ms, $"{ms[^2..].ToUpperInvariant()}-{i:D3}", 1940 + random.Next(66), random.Next(2) == 0 ? "female" : "male",
                    $"20{random.Next(20, 26)}-0{random.Next(1, 10)}-1{random.Next(0, 10)}"), r =>
                {
                    r["mainReason"] = labels && main == "precarity" ? "Précarité" : main;
                    r["otherReasons"] = reasons.Where(x => x != main && random.Next(3) == 0).ToArray();
                    r["mainSubstance"] = random.Next(5) == 0 ? null : substance;
                    r["otherSubstances"] = r["mainSubstance"] is null ? Array.Empty<string>() : substances.Where(x => x != substance && random.Next(6) == 0).ToArray();
                    r["experiment"] = labels && i % 2 == 0 ? "Santé mentale" : (i % 3 == 0 ? "none" : "equip-addict");
                    r["disorders"] = new[] { "F20-F29", "F30-F39", "F40-F48" }.Where(_ => random.Next(3) == 0).ToArray();
                    r["income"] = random.Next(4) == 0 ? null : new[] { "work", "unemployment-benefit", "minimum-income", "none" }[random.Next(4)];
                    r["polyUse"] = random.Next(3) == 0 ? null : random.Next(2) == 0;
                    r["actsPsychologist"] = random.Next(3);
                });
            }
        }
        return sheets;
    }

    private static async Task SubmitAllAsync(SubmissionHarness h, Func<Sheet, (byte[] Bytes, string Type)> format)
    {
        foreach (var (network, sheets) in new[] { (NetworkA, new[] { A1, A2 }), (NetworkB, new[] { B1 }), (NetworkC, new[] { C1 }) })
        {
            var data = Data(labels: true);
            var merged = new Sheet(Fiches);
            foreach (var ms in sheets)
            {
                foreach (var row in RowsOf(data[ms]))
                {
                    merged.Add(row);
                }
            }
            var (bytes, type) = format(merged);
            var receipt = await h.SubmitOkAsync(network, Fiches, "2025", bytes, type);
            Assert.Equal(0, receipt.Rejected);
        }
        await h.SubmitOkAsync(NetworkA, Activity, "2025", new Sheet(Activity).Add(Sheet.Activity(A1)).Add(Sheet.Activity(A2), r => r["caseReviewMeetings"] = 3).CsvUtf8(), "text/csv");
        await h.SubmitOkAsync(NetworkB, Activity, "2025", new Sheet(Activity).Add(Sheet.Activity(B1)).CsvUtf8(), "text/csv");
        await h.ProcessQueueAsync();
    }

    private static IEnumerable<Dictionary<string, object?>> RowsOf(Sheet sheet) => sheet.Rows;

    private static async Task<IndicatorReport> ReportAsync(SubmissionHarness h, IndicatorLevel level, string? id, IndicatorAudience audience, int? month = null)
    {
        var result = await h.Get<IndicatorService>().GetAsync(level, id, 2025, audience, month);
        Assert.True(result.IsSuccess, result.Detail);
        return result.Value!;
    }

    private static string Describe(IndicatorReport report) =>
        string.Join("\n", report.Children.Prepend(report.Node).SelectMany(n => n.Values.Select(v => $"{n.Id} {v.Code} {v.Value} {v.Numerator}/{v.Denominator} {v.Suppressed}")));

    [Fact]
    public async Task RollUpsAreTheSumsOfTheirPartsAndTheMeanAgeMatchesADirectComputation()
    {
        using var h = await StartAsync();
        await SubmitAllAsync(h, s => (s.CsvUtf8(), "text/csv"));

        var nation = await ReportAsync(h, IndicatorLevel.Nation, null, IndicatorAudience.Staff);
        var reports = new List<IndicatorReport> { nation };
        foreach (var region in new[] { RegionEst, RegionSud })
        {
            reports.Add(await ReportAsync(h, IndicatorLevel.Region, region, IndicatorAudience.Staff));
        }
        foreach (var network in new[] { NetworkA, NetworkB, NetworkC })
        {
            reports.Add(await ReportAsync(h, IndicatorLevel.Network, network, IndicatorAudience.Staff));
        }

        foreach (var report in reports)
        {
            foreach (var code in IndicatorCatalog.CountCells.Concat(["teams.gps", "teams.microstructures", "reports.expected", "reports.fiches.received"]))
            {
                Assert.Equal(report.Children.Sum(c => c[code].Value), report.Node[code].Value);
            }
        }
        var ages = Data().Values.SelectMany(RowsOf).Select(r => 2025.0 - (int)r["birthYear"]!).ToList();
        var mean = ages.Average();
        var sd = Math.Sqrt(ages.Sum(a => (a - mean) * (a - mean)) / (ages.Count - 1));
        Assert.Equal(24, nation.Node["patients"].Value);
        Assert.Equal(mean, nation.Node["age.mean"].Value!.Value, 9);
        Assert.Equal(sd, nation.Node["age.sd"].Value!.Value, 9);
        Assert.Equal(24.0 / 7, nation.Node["patients.per-gp"].Value!.Value, 9);
        var women = Data().Values.SelectMany(RowsOf).Count(r => (string)r["sex"]! == "female");
        Assert.Equal(100.0 * women / 24, nation.Node["sex.female.share"].Value!.Value, 9);
        Assert.Equal(820 * 2 + 820, nation.Node["acts.gp"].Value);
        Assert.Equal(11 + 3 + 11, nation.Node["meetings"].Value);
        var a = reports[3];
        Assert.Equal([A1, A2], a.Children.Select(c => c.Id));
        Assert.Equal(Data()[A1].Count, a.Children[0]["patients"].Value);
    }

    [Fact]
    public async Task CsvInUtf8AndWindows1252AndJsonOfTheSameDataGiveTheSameIndicators()
    {
        var described = new List<string>();
        foreach (var format in new Func<Sheet, (byte[], string)>[]
        {
            s => (s.CsvUtf8(), "text/csv"),
            s => (Windows1252(s.Csv()), "text/csv"),
            s => (s.JsonUtf8(), "application/json"),
        })
        {
            using var h = await StartAsync();
            await SubmitAllAsync(h, format);
            described.Add(Describe(await ReportAsync(h, IndicatorLevel.Nation, null, IndicatorAudience.Staff))
                + Describe(await ReportAsync(h, IndicatorLevel.Network, NetworkA, IndicatorAudience.Staff)));
        }

        Assert.Contains("france experiment.sante-mentale ", described[0], StringComparison.Ordinal);
        Assert.Equal(described[0], described[1]);
        Assert.Equal(described[0], described[2]);
    }

    [Fact]
    public async Task RecomputationFromTheRawSubmissionsEqualsTheIncrementalResults()
    {
        using var h = await StartAsync();
        await SubmitAllAsync(h, s => (s.JsonUtf8(), "application/json"));
        h.Time.Advance(TimeSpan.FromDays(2));
        // A correction, a monthly file and a late identical file in another format.
        await h.SubmitOkAsync(NetworkA, Fiches, "2025", new Sheet(Fiches).Add(Sheet.Fiche(A1, "A1-000", 1950, "male")).Add(Sheet.Fiche(A1, "A1-NEW", 1999)).CsvUtf8(), "text/csv");
        await h.SubmitOkAsync(NetworkA, Fiches, "2025-03", new Sheet(Fiches).Add(Sheet.Fiche(A2, "M-001")).Add(Sheet.Fiche(A2, "M-002", sex: "male")).CsvUtf8(), "text/csv");
        await h.SubmitOkAsync(NetworkA, Fiches, "2025-04", new Sheet(Fiches).Add(Sheet.Fiche(A2, "M-001")).CsvUtf8(), "text/csv");
        await h.ProcessQueueAsync();
        async Task<string> FiguresAsync()
        {
            var text = new StringBuilder();
            foreach (var (level, id) in new[] { (IndicatorLevel.Nation, (string?)null), (IndicatorLevel.Network, NetworkA), (IndicatorLevel.Network, NetworkB) })
            {
                text.AppendLine(Describe(await ReportAsync(h, level, id, IndicatorAudience.Staff)));
                text.AppendLine(Describe(await ReportAsync(h, level, id, IndicatorAudience.Staff, month: 3)));
                text.AppendLine(Describe(await ReportAsync(h, level, id, IndicatorAudience.Public)));
            }
            foreach (var facts in (await h.Get<FactsStore>().ListAllAsync()).OrderBy(f => f.MicrostructureId, StringComparer.Ordinal))
            {
                text.AppendLine(facts.MicrostructureId + " " + facts.YearFacts?.ToJson() + string.Concat(facts.Months.Select(m => m.Key + m.Value.ToJson())));
            }
            return text.ToString();
        }
        var incremental = await FiguresAsync();

        var report = await h.Get<IndicatorRebuild>().RebuildAsync(Actor.Staff);

        Assert.Equal(incremental, await FiguresAsync());
        Assert.Equal(8, report.Receipts);
        var a2 = (await ReportAsync(h, IndicatorLevel.Microstructure, A2, IndicatorAudience.Staff)).Node;
        Assert.Equal(Data()[A2].Count + 2, a2["patients"].Value);
        Assert.Equal(2, (await ReportAsync(h, IndicatorLevel.Microstructure, A2, IndicatorAudience.Staff, month: 3)).Node["patients"].Value);
        Assert.Single(await h.Get<AuditTrail>().ListAsync(AuditEntityTypes.IndicatorRebuild, "all"));
    }

    [Fact]
    public async Task ThePublicSeesNoSmallCountAndNetworksAndStaffSeeTheirFiguresWhole()
    {
        using var h = await StartAsync();
        await SubmitAllAsync(h, s => (s.CsvUtf8(), "text/csv"));
        var service = h.Get<IndicatorService>();

        var publicNation = await ReportAsync(h, IndicatorLevel.Nation, null, IndicatorAudience.Public);
        var publicRegion = await ReportAsync(h, IndicatorLevel.Region, RegionEst, IndicatorAudience.Public);
        var publicNetwork = await ReportAsync(h, IndicatorLevel.Network, NetworkA, IndicatorAudience.Public);
        var own = await ReportAsync(h, IndicatorLevel.Network, NetworkA, IndicatorAudience.Network(NetworkA));
        var staff = await ReportAsync(h, IndicatorLevel.Network, NetworkA, IndicatorAudience.Staff);

        foreach (var report in new[] { publicNation, publicRegion, publicNetwork })
        {
            Assert.True(report.Suppressed);
            foreach (var node in report.Children.Prepend(report.Node))
            {
                foreach (var code in IndicatorCatalog.CountCells)
                {
                    var value = node[code];
                    Assert.True(value.Suppressed || value.Value is 0 or >= 5, $"{node.Id} {code} = {value.Value}");
                }
            }
            // A parent's visible cell never has exactly one hidden child: no subtraction gives a child away.
            foreach (var code in IndicatorCatalog.CountCells.Where(c => !report.Node[c].Suppressed))
            {
                Assert.NotEqual(1, report.Children.Count(c => c[code].Suppressed));
            }
        }
        Assert.Empty(publicNetwork.Children);
        Assert.Contains(publicNation.Children.SelectMany(c => c.Values), v => v.Suppressed);
        Assert.False(own.Suppressed);
        Assert.Equal(Describe(staff), Describe(own));
        Assert.Equal([A1, A2], own.Children.Select(c => c.Id));
        Assert.Equal(3, own.Children[1]["patients"].Value);
        Assert.Equal(ResultKind.NotFound, (await service.GetAsync(IndicatorLevel.Microstructure, A2, 2025, IndicatorAudience.Public)).Kind);
        Assert.Equal(ResultKind.NotFound, (await service.GetAsync(IndicatorLevel.Microstructure, B1, 2025, IndicatorAudience.Network(NetworkA))).Kind);
        var other = await ReportAsync(h, IndicatorLevel.Network, NetworkB, IndicatorAudience.Network(NetworkA));
        Assert.Equal(Describe(await ReportAsync(h, IndicatorLevel.Network, NetworkB, IndicatorAudience.Public)), Describe(other));
    }

    [Fact]
    public async Task CompletenessCountsOpenMicrostructuresAndTimelinessTheDeadline()
    {
        using var h = await StartAsync();
        await h.SubmitOkAsync(NetworkA, Fiches, "2025", new Sheet(Fiches).Add(Sheet.Fiche(A1, "PAT-01")).CsvUtf8(), "text/csv");
        h.Time.Advance(TimeSpan.FromDays(60)); // 11 April 2026: past the 31 March deadline.
        await h.SubmitOkAsync(NetworkB, Fiches, "2025", new Sheet(Fiches).Add(Sheet.Fiche(B1, "PAT-01")).CsvUtf8(), "text/csv");
        await h.SubmitOkAsync(NetworkB, Activity, "2025", new Sheet(Activity).Add(Sheet.Activity(B1)).CsvUtf8(), "text/csv");
        await h.ProcessQueueAsync();

        var a = (await ReportAsync(h, IndicatorLevel.Network, NetworkA, IndicatorAudience.Staff)).Node;
        var b = (await ReportAsync(h, IndicatorLevel.Network, NetworkB, IndicatorAudience.Staff)).Node;
        var est = (await ReportAsync(h, IndicatorLevel.Region, RegionEst, IndicatorAudience.Public)).Node;

        Assert.Equal((2.0, 1.0, 50.0, 1.0, 50.0, 0.0), (a["reports.expected"].Value, a["reports.fiches.received"].Value, a["reports.fiches.completeness"].Value, a["reports.fiches.on-time"].Value, a["reports.fiches.timeliness"].Value, a["reports.activity.received"].Value));
        Assert.Equal((1.0, 100.0, 0.0, 100.0, 0.0), (b["reports.expected"].Value, b["reports.fiches.completeness"].Value, b["reports.fiches.timeliness"].Value, b["reports.activity.completeness"].Value, b["reports.activity.timeliness"].Value));
        Assert.Equal((3.0, 2.0, 1.0), (est["reports.expected"].Value, est["reports.fiches.received"].Value, est["reports.fiches.on-time"].Value));
    }

    [Fact]
    public async Task EveryIndicatorHasADefinitionAndTheCsvExportIsFrenchExcel()
    {
        using var h = await StartAsync();
        await SubmitAllAsync(h, s => (s.CsvUtf8(), "text/csv"));

        var report = await ReportAsync(h, IndicatorLevel.Region, RegionEst, IndicatorAudience.Staff);
        var csv = (await h.Get<IndicatorService>().ExportCsvAsync(IndicatorLevel.Region, RegionEst, 2025, IndicatorAudience.Staff)).Value!;

        Assert.Equal(report.Node.Values.Select(v => v.Code), report.Definitions.Select(d => d.Code));
        Assert.All(report.Definitions, d => Assert.False(string.IsNullOrWhiteSpace(d.Label + d.Numerator + d.Counting)));
        Assert.Contains(report.Definitions, d => d.Code == "substance.any.alcohol.share" && d.Counting.Contains("peut dépasser 100 %", StringComparison.Ordinal));
        Assert.Equal([0xEF, 0xBB, 0xBF], csv[..3]);
        var lines = Encoding.UTF8.GetString(csv[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("niveau;identifiant;nom;annee;mois;code;indicateur;valeur;", lines[0], StringComparison.Ordinal);
        Assert.Equal(1 + 3 * report.Definitions.Count, lines.Length);
        var ageLine = lines.Single(l => l.StartsWith("région;grand-est;Grand Est;2025;;age.mean;", StringComparison.Ordinal));
        Assert.Contains(Math.Round(report.Node["age.mean"].Value!.Value, 2).ToString("0.##", System.Globalization.CultureInfo.GetCultureInfo("fr-FR")), ageLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEvaluatorExportHoldsThePeriodsFichesWithTheVocabularyVersionAndIsAudited()
    {
        using var h = await StartAsync();
        await SubmitAllAsync(h, s => (s.CsvUtf8(), "text/csv"));

        var dataset = (await h.Get<EvaluatorExport>().ExportAsync("patient-fiches", "2025", Actor.Staff)).Value!;

        var lines = Encoding.UTF8.GetString(dataset.Csv[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(24, dataset.Rows);
        Assert.Equal(25, lines.Length);
        Assert.StartsWith("version_nomenclature;reseau_id;periode;microstructure_id;pseudonyme;annee_naissance;sexe;", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("actes_total", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"2026.1;{NetworkA};2025;{A1};A1-000;", lines[1], StringComparison.Ordinal);
        var entry = Assert.Single(await h.Get<AuditTrail>().ListAsync(AuditEntityTypes.EvaluatorExport, "patient-fiches-2025"));
        Assert.Equal(("staff", "24"), (entry.ActorKind, entry.Changes["rows"].After));
    }
}
