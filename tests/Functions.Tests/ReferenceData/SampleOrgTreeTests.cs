using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Audit;
using Microstructures.Core.ReferenceData;
using Microstructures.Functions.ReferenceData;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests.ReferenceData;

public sealed class SampleOrgTreeTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public void TheSampleTreeUsesOnlyExampleOrgContacts()
    {
        var addresses = Regex.Matches(SampleOrgTreeSeeder.ReadSample(), @"[^\s;,]+@[^\s;,]+").Select(m => m.Value).ToList();

        Assert.NotEmpty(addresses);
        Assert.All(addresses, a => Assert.EndsWith("@example.org", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithTheSettingOnTheSampleTreeIsThereAfterStartAndLoadingItAgainChangesNothing()
    {
        await using var factory = new FunctionAppFactory(azurite, new Dictionary<string, string?> { ["ReferenceData:SeedSampleTree"] = "true" });
        var staff = factory.CreateStaffClient();

        // The last row of the sample: once it is there, the seeding is done.
        HttpResponseMessage? response = null;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            response = await staff.GetAsync("/api/manage/regions/ile-de-france");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.OK, response!.StatusCode);
        var tree = OrgTreeApi.Canonical(await OrgTreeApi.GetJsonAsync(staff, "/api/manage/tree"));

        var again = await factory.Services.GetRequiredService<OrgTreeImport>().ImportAsync(SampleOrgTreeSeeder.ReadSample(), Actor.System("test"));

        Assert.Empty(again.Value!.Errors);
        Assert.Equal(0, again.Value.Created + again.Value.Updated);
        Assert.Equal(tree, OrgTreeApi.Canonical(await OrgTreeApi.GetJsonAsync(staff, "/api/manage/tree")));
        Assert.Contains("\"ile-de-france\"", tree, StringComparison.Ordinal);
    }
}
