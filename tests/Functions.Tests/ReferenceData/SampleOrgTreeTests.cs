using System.Text.RegularExpressions;
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

    // The seeder is one of the app's hosted services: the worker's host starts it as these tests do.
    [Fact]
    public async Task WithTheSettingOnTheSampleTreeIsThereAfterStartAndLoadingItAgainChangesNothing()
    {
        await using var app = PlatformServices.Create(azurite, new Dictionary<string, string?> { ["ReferenceData:SeedSampleTree"] = "true" });
        var tree = app.Get<OrgTreeService>();

        await app.StartHostedServicesAsync();
        // The last row of the sample: once it is there, the seeding is done.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await tree.GetRegionAsync("ile-de-france")).IsSuccess && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.True((await tree.GetRegionAsync("ile-de-france")).IsSuccess);
        var before = System.Text.Json.JsonSerializer.Serialize(await tree.GetTreeAsync());

        var again = await app.Get<OrgTreeImport>().ImportAsync(SampleOrgTreeSeeder.ReadSample(), Actor.System("test"));

        Assert.Empty(again.Value!.Errors);
        Assert.Equal(0, again.Value.Created + again.Value.Updated);
        Assert.Equal(before, System.Text.Json.JsonSerializer.Serialize(await tree.GetTreeAsync()));
        Assert.Contains("\"ile-de-france\"", before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheSettingNothingIsLoaded()
    {
        string storage;
        await using (var app = PlatformServices.Create(azurite))
        {
            storage = app.Storage;
            await app.StartHostedServicesAsync();
        } // stopped: the seeder has finished whatever it did

        await using var reader = new PlatformServices(storage);
        Assert.Empty((await reader.Get<OrgTreeService>().GetTreeAsync()).Regions);
    }
}
