using Microsoft.Playwright;

namespace Microstructures.EndToEnd.Pages;

// The public dashboard in Chromium, with the sample network's 2025 fiches and activity processed by
// ComputeIndicators (PagesApp): each chart is drawn (SVG bars, hidden from screen readers) and followed
// by its data table, the key figures show the year's counts, and a printout keeps charts and tables.
[Collection(PagesCollection.Name)]
public sealed class DashboardInBrowserTests(PagesApp pages)
{
    private static readonly string[] Charts = ["patients-regions", "women", "reasons", "substances", "disorders", "acts", "completeness"];

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task TheDashboardShowsItsChartsEachWithItsDataTable(int width)
    {
        var page = await pages.NewPageAsync(width);

        await page.GotoAsync(pages.Url("api/indicators/dashboard?year=2025"));

        Assert.Equal(Charts, await page.Locator("svg.bars").EvaluateAllAsync<string[]>("svgs => svgs.map(s => s.dataset.chart)"));
        foreach (var chart in Charts)
        {
            var section = page.Locator("section.chart", new() { Has = page.Locator($"svg[data-chart='{chart}']") });
            Assert.Equal("true", await section.Locator("svg.bars").GetAttributeAsync("aria-hidden"));
            Assert.True(await section.Locator("svg.bars rect").CountAsync() > 0, $"{chart}: no bar drawn");
            Assert.True(await section.Locator("svg.bars").EvaluateAsync<bool>("s => s.getBoundingClientRect().width > 300"), $"{chart}: too narrow");
            Assert.True(await section.Locator("table.chart-data tbody tr").CountAsync() > 0, $"{chart}: empty table");
            Assert.EndsWith("— données", (await section.Locator("table.chart-data caption").TextContentAsync())!.Trim(), StringComparison.Ordinal);
        }
        var figures = page.Locator(".key-figures");
        Assert.Equal("40", (await figures.Locator("div", new() { HasText = "Patients suivis" }).Locator("dd").TextContentAsync())?.Trim());
        var grandEst = page.Locator("section.chart", new() { Has = page.Locator("svg[data-chart='patients-regions']") }).Locator("tbody tr", new() { HasText = "Grand Est" });
        Assert.Equal("40", (await grandEst.Locator("td").Last.TextContentAsync())?.Trim());
        var acts = page.Locator("section.chart", new() { Has = page.Locator("svg[data-chart='acts']") }).Locator("tbody tr", new() { HasText = "Médecin généraliste" });
        Assert.Equal("1\u202F460", (await acts.Locator("td").TextContentAsync())?.Trim());
        Assert.Equal("50,0\u00A0%", (await figures.Locator("div", new() { HasText = "Part des femmes" }).Locator("dd").TextContentAsync())?.Trim());

        await page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.True(await page.Locator("svg.bars").First.IsVisibleAsync());
        Assert.True(await page.Locator("table.chart-data").First.IsVisibleAsync());
        Assert.False(await page.Locator("button[data-print]").IsVisibleAsync());
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task TheKeyFiguresPageGivesTheYearsFiguresPerRegionInFrenchAndPrintsAsTables(int width)
    {
        var page = await pages.NewPageAsync(width);

        await page.GotoAsync(pages.Url("api/indicators/dashboard?year=2025"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Chiffres clés à imprimer" }).ClickAsync();
        await page.Locator("h1", new() { HasText = "Chiffres clés 2025" }).WaitForAsync();

        var figures = page.Locator(".key-figures");
        Assert.Equal("40", (await figures.Locator("div", new() { HasText = "Patients suivis" }).Locator("dd").TextContentAsync())?.Trim());
        Assert.Equal("50,0\u00A0%", (await figures.Locator("div", new() { HasText = "Part des femmes" }).Locator("dd").TextContentAsync())?.Trim());
        var regions = page.Locator("table.key-table");
        var grandEst = regions.Locator("tbody tr", new() { HasText = "Grand Est" });
        Assert.Equal("40", (await grandEst.Locator("td[data-label='Patients suivis']").TextContentAsync())?.Trim());
        Assert.Equal("50,0\u00A0%", (await grandEst.Locator("td[data-label='Part des femmes']").TextContentAsync())?.Trim());
        Assert.EndsWith("\u00A0ans", (await grandEst.Locator("td[data-label='Âge moyen']").TextContentAsync())!.Trim(), StringComparison.Ordinal);
        Assert.Equal("France entière", (await regions.Locator("tbody tr.total th").TextContentAsync())?.Trim());
        var acts = page.Locator("section.key-block", new() { Has = page.Locator("h2", new() { HasText = "Actes par profession" }) }).Locator("tbody tr", new() { HasText = "Médecin généraliste" });
        Assert.Equal("1\u202F460", (await acts.Locator("td").TextContentAsync())?.Trim());
        Assert.Equal(0, await page.Locator("svg.bars").CountAsync());

        await page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.Equal("table", await regions.EvaluateAsync<string>("t => getComputedStyle(t).display"));
        Assert.True(await regions.Locator("thead").IsVisibleAsync());
        Assert.False(await page.Locator("button[data-print]").IsVisibleAsync());
        Assert.False(await page.Locator("form.year-pick").IsVisibleAsync());
        await page.Context.CloseAsync();
    }

    // The staff's and a network's dashboards are read with a key, which a plain link cannot carry: their
    // CSV button fetches the unsuppressed file with it and saves it under the server's name (the staff:
    // the nation and its regions; a network: itself and its microstructures).
    [Theory]
    [InlineData("staff")]
    [InlineData("network")]
    public async Task TheStaffAndANetworkSaveTheirDashboardsFiguresAsCsv(string reader)
    {
        var network = reader == "network";
        var page = await pages.NewPageAsync(390, staffKey: !network, networkKey: network);
        await page.GotoAsync(pages.Url((network ? "api/indicators/reseau" : "api/manage/dashboard") + "?year=2025"));

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Button, new() { Name = network ? "Télécharger les indicateurs de votre réseau (CSV, sans masquage)" : "Télécharger ces indicateurs (CSV, sans masquage)" }).ClickAsync());

        Assert.Equal(network ? $"indicateurs-network-{PagesApp.SampleNetwork}-2025.csv" : "indicateurs-nation-2025.csv", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("niveau;identifiant;nom;annee;", lines[0], StringComparison.Ordinal);
        var patients = lines.Where(l => l.Split(';')[5] == "patients").ToList();
        if (network)
        {
            Assert.StartsWith($"réseau;{PagesApp.SampleNetwork};", patients[0], StringComparison.Ordinal);
            Assert.Contains(patients, l => l.StartsWith("microstructure;", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains(patients, l => l.Contains(";Grand Est;", StringComparison.Ordinal));
        }
        Assert.Equal("40", patients[0].Split(';')[7]);
        await page.Context.CloseAsync();
    }
}
