using System.Net;
using System.Text.RegularExpressions;
using Microstructures.Functions.Tests.ReferenceData;
using static Microstructures.Functions.Tests.Submissions.SubmissionApi;

namespace Microstructures.Functions.Tests.Indicators;

// The dashboard's three readers through the worker under the DevHost: the public sees a region's count
// of 2 patients suppressed; the staff's body (staff key) shows it; a network's body (network key) shows
// its own figures by microstructure unsuppressed, and nothing without a key or for another network.
public sealed partial class DashboardViewsHttpTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    [Fact]
    public async Task TheStaffAndTheNetworkSeeTheCountThePublicDashboardSuppresses()
    {
        using var staff = app.CreateStaffClient();
        var n = await CreateNetworkAsync(staff, "dsh");
        using var network = app.CreateClient().WithBearer(n.Key);
        var csv = Windows1252(FichesCsv(FicheLine(n.First, "PAT-D1", 1980, "Femme"), FicheLine(n.First, "PAT-D2", 1990, "Homme")));
        await WaitProcessedAsync(network, await SubmitOkAsync(network, csv, "text/csv"));
        await WaitIndicatorsAsync(staff, $"/api/manage/indicators?level=network&id={n.NetworkId}&year=2025", r => Number(r, "patients") == 2);
        using var anonymous = app.CreateClient();

        var publicHtml = await anonymous.GetStringAsync("/api/indicators/dashboard?year=2025");
        using var staffBody = await staff.GetAsync("/api/manage/dashboard/body?year=2025");
        var staffHtml = await staffBody.Content.ReadAsStringAsync();
        using var networkBody = await network.GetAsync("/api/network/dashboard?year=2025");
        var networkHtml = await networkBody.Content.ReadAsStringAsync();

        Assert.Equal("masqué", PatientsOf(publicHtml, "Région dsh"));
        Assert.Equal((HttpStatusCode.OK, "text/html"), (staffBody.StatusCode, staffBody.Content.Headers.ContentType?.MediaType));
        Assert.DoesNotContain("<html", staffHtml, StringComparison.Ordinal);
        Assert.Equal("2", PatientsOf(staffHtml, "Région dsh"));
        Assert.Equal((HttpStatusCode.OK, "text/html"), (networkBody.StatusCode, networkBody.Content.Headers.ContentType?.MediaType));
        Assert.Equal("2", PatientsOf(networkHtml, "Cabinet un"));
        Assert.Equal("2", KeyFigure(networkHtml, "Patients suivis"));
        Assert.Contains("RMS dsh", networkHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheBodiesRefuseAMissingKeyAndANetworkReadsOnlyItsOwnFigures()
    {
        using var staff = app.CreateStaffClient();
        var mine = await CreateNetworkAsync(staff, "dsm");
        var theirs = await CreateNetworkAsync(staff, "dst");
        using var anonymous = app.CreateClient();
        using var theirClient = app.CreateClient().WithBearer(theirs.Key);

        using var noStaffKey = await anonymous.GetAsync("/api/manage/dashboard/body?year=2025");
        using var noNetworkKey = await anonymous.GetAsync("/api/network/dashboard?year=2025");
        using var networkKeyOnStaff = await theirClient.GetAsync("/api/manage/dashboard/body?year=2025");
        using var another = await theirClient.GetAsync($"/api/network/dashboard?year=2025&networkId={mine.NetworkId}");
        var own = await theirClient.GetStringAsync("/api/network/dashboard?year=2025");
        using var badYear = await theirClient.GetAsync("/api/network/dashboard?year=deux");

        Assert.Equal(HttpStatusCode.Unauthorized, noStaffKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noNetworkKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, networkKeyOnStaff.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, another.StatusCode);
        Assert.Equal("application/problem+json", another.Content.Headers.ContentType?.MediaType);
        Assert.Contains("RMS dst", own, StringComparison.Ordinal);
        Assert.DoesNotContain("RMS dsm", own, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badYear.StatusCode);
        Assert.Equal("application/problem+json", badYear.Content.Headers.ContentType?.MediaType);
    }

    // The last cell (the year asked for) of the row named `label` in the first chart table (patients by
    // region, or by microstructure in a network's view).
    private static string PatientsOf(string html, string label)
    {
        var row = Regex.Match(html, "<tr><th scope=\"row\">" + Regex.Escape(label) + "</th>(.*?)</tr>", RegexOptions.Singleline);
        Assert.True(row.Success, $"no row {label}");
        return WebUtility.HtmlDecode(Cell().Matches(row.Groups[1].Value)[^1].Groups[1].Value).Trim();
    }

    private static string KeyFigure(string html, string label)
    {
        var figure = Regex.Match(html, "<dt>" + Regex.Escape(label) + "</dt><dd>(.*?)</dd>", RegexOptions.Singleline);
        Assert.True(figure.Success, $"no key figure {label}");
        return WebUtility.HtmlDecode(figure.Groups[1].Value).Trim();
    }

    [GeneratedRegex("<td>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cell();
}
