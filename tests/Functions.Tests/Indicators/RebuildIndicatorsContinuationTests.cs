using System.Text.Json.Nodes;
using Microstructures.Functions.Tests.ReferenceData;
using static Microstructures.Functions.Tests.Submissions.SubmissionApi;

namespace Microstructures.Functions.Tests.Indicators;

// A rebuild that outlasts one run's budget (here zero: one step per run) goes on through the queue
// under the DevHost: each run saves its progress and queues the next message, the job ends succeeded
// after several runs with the figures it started from.
public sealed class RebuildIndicatorsContinuationTests(RebuildIndicatorsContinuationTests.OneStepPerRunHost app)
    : IClassFixture<RebuildIndicatorsContinuationTests.OneStepPerRunHost>
{
    public sealed class OneStepPerRunHost : FunctionsHost
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Indicators__RebuildRunBudget"] = "00:00:00" };
    }

    [Fact]
    public async Task ARebuildLongerThanOneRunEndsThroughItsContinuationsWithTheSameFigures()
    {
        using var staff = app.CreateStaffClient();
        var n = await CreateNetworkAsync(staff, "suite");
        using var client = app.CreateClient().WithBearer(n.Key);
        await WaitProcessedAsync(client, await SubmitOkAsync(client, Windows1252(FichesCsv(FicheLine(n.First, "PAT-S1", 1980, "Femme"))), "text/csv"));
        await WaitProcessedAsync(client, await SubmitOkAsync(client, Windows1252(FichesCsv(FicheLine(n.Second, "PAT-S2", 1990, "Homme"))), "text/csv"));
        var path = $"/api/manage/indicators?level=network&id={n.NetworkId}&year=2025";
        var before = await WaitIndicatorsAsync(staff, path, r => Number(r, "patients") == 2);

        using var asked = await staff.PostAsync("/api/manage/indicators/rebuild", null);
        var statusUrl = (await OrgTreeApi.ReadAsync(asked))!["statusUrl"]!.GetValue<string>();
        JsonObject job;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        do
        {
            await Task.Delay(200);
            job = (await OrgTreeApi.GetJsonAsync(staff, statusUrl))!.AsObject();
        }
        while (job["state"]!.GetValue<string>() is not ("succeeded" or "interrupted") && DateTime.UtcNow < deadline);

        Assert.Equal("succeeded", job["state"]!.GetValue<string>());
        // At least: the deletion, each receipt of the storage account (two of them ours), the recomputing.
        Assert.True(job["attempts"]!.GetValue<int>() >= 4, job.ToJsonString());
        Assert.Null(job["lastError"]?.GetValue<string>());
        Assert.Equal(OrgTreeApi.Canonical(before), OrgTreeApi.Canonical(await OrgTreeApi.GetJsonAsync(staff, path)));
    }
}
