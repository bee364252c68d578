using System.Net;
using System.Text.Json.Nodes;
using Microstructures.Core.Indicators;
using Microstructures.Functions.Tests.ReferenceData;
using static Microstructures.Functions.Tests.Submissions.SubmissionApi;

namespace Microstructures.Functions.Tests.Indicators;

// The staff's rebuild as a queued job through the worker under the DevHost: 202 with a status URL at
// once, one job at a time, the RebuildIndicatorsJob queue function doing the work, and its message
// processed a second time changing nothing.
public sealed class RebuildIndicatorsJobTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    private static async Task<JsonObject> WaitStateAsync(HttpClient staff, string statusUrl, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var job = (await OrgTreeApi.GetJsonAsync(staff, statusUrl))!.AsObject();
            if (job["state"]!.GetValue<string>() == state || DateTime.UtcNow > deadline)
            {
                return job;
            }
            await Task.Delay(200);
        }
    }

    private static int Count(string trail, string action) =>
        JsonNode.Parse(trail)!.AsArray().Count(e => e!["action"]!.GetValue<string>() == action);

    [Fact]
    public async Task TheRebuildIsQueuedAnsweredAtOnceWithItsStatusRunsOneAtATimeAndItsMessageRunTwiceChangesNothing()
    {
        using var staff = app.CreateStaffClient();
        var n = await CreateNetworkAsync(staff, "job");
        using var client = app.CreateClient().WithBearer(n.Key);
        await WaitProcessedAsync(client, await SubmitOkAsync(client, Windows1252(FichesCsv(
            FicheLine(n.First, "PAT-J1", 1980, "Femme"), FicheLine(n.Second, "PAT-J2", 1990, "Homme"))), "text/csv"));
        var path = $"/api/manage/indicators?level=network&id={n.NetworkId}&year=2025";
        var before = await WaitIndicatorsAsync(staff, path, r => Number(r, "patients") == 2);

        // Asked twice at once: one job.
        var asked = await Task.WhenAll(staff.PostAsync("/api/manage/indicators/rebuild", null), staff.PostAsync("/api/manage/indicators/rebuild", null));
        var jobs = await Task.WhenAll(asked.Select(async r => (await OrgTreeApi.ReadAsync(r))!.AsObject()));
        var statusUrl = jobs[0]["statusUrl"]!.GetValue<string>();
        var done = await WaitStateAsync(staff, statusUrl, "succeeded");
        var figures = await OrgTreeApi.GetJsonAsync(staff, path);
        var trail = await staff.GetStringAsync("/api/manage/audit/indicatorrebuild/all");

        Assert.All(asked, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(statusUrl, asked[0].Headers.Location?.OriginalString);
        Assert.Equal(jobs[0]["jobId"]!.GetValue<string>(), jobs[1]["jobId"]!.GetValue<string>());
        Assert.Contains(jobs[0]["state"]!.GetValue<string>(), new[] { "queued", "running", "succeeded" });
        Assert.Equal("succeeded", done["state"]!.GetValue<string>());
        Assert.Equal(1, done["attempts"]!.GetValue<int>());
        Assert.True(done["receipts"]!.GetValue<int>() >= 1);
        Assert.Equal(OrgTreeApi.Canonical(before), OrgTreeApi.Canonical(figures));
        Assert.Equal(1, Count(trail, "requested"));
        Assert.Equal(1, Count(trail, "rebuilt"));

        // The same message delivered again (a host retry after the run finished): nothing runs.
        var rerun = await app.RunFunctionAsync("RebuildIndicatorsJob", new RebuildIndicatorsMessage(done["jobId"]!.GetValue<string>()).ToText());
        Assert.True(rerun.GetProperty("succeeded").GetBoolean(), rerun.ToString());
        var again = (await OrgTreeApi.GetJsonAsync(staff, statusUrl))!.AsObject();
        Assert.Equal(OrgTreeApi.Canonical(done), OrgTreeApi.Canonical(again));
        Assert.Equal(1, Count(await staff.GetStringAsync("/api/manage/audit/indicatorrebuild/all"), "rebuilt"));

        // Once finished, asking again starts a new job, listed first.
        using var next = await staff.PostAsync("/api/manage/indicators/rebuild", null);
        var nextJob = (await OrgTreeApi.ReadAsync(next))!.AsObject();
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        Assert.NotEqual(done["jobId"]!.GetValue<string>(), nextJob["jobId"]!.GetValue<string>());
        await WaitStateAsync(staff, nextJob["statusUrl"]!.GetValue<string>(), "succeeded");
        var listed = (await OrgTreeApi.GetJsonAsync(staff, "/api/manage/indicators/rebuilds"))!.AsArray();
        Assert.Equal([nextJob["jobId"]!.GetValue<string>(), done["jobId"]!.GetValue<string>()], listed.Take(2).Select(j => j!["jobId"]!.GetValue<string>()));
        Assert.Equal(OrgTreeApi.Canonical(before), OrgTreeApi.Canonical(await OrgTreeApi.GetJsonAsync(staff, path)));
    }

    [Fact]
    public async Task AnUnknownJobIs404AndAMalformedMessageFails()
    {
        using var staff = app.CreateStaffClient();

        using var unknown = await staff.GetAsync("/api/manage/indicators/rebuild/0000000000000000000-00000000");
        using var malformed = await staff.GetAsync("/api/manage/indicators/rebuild/pas-un-numero");
        var run = await app.RunFunctionAsync("RebuildIndicatorsJob", "{\"jobId\":\"x\"}");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.False(run.GetProperty("succeeded").GetBoolean());
    }
}
