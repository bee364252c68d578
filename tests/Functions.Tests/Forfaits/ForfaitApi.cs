using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microstructures.Functions.Tests.ReferenceData;

namespace Microstructures.Functions.Tests.Forfaits;

// A network of its own per test (ids and addresses from a prefix): the tests of a class share a
// storage account, and the reminder run sends to every microstructure that has reminders due.
internal sealed record ForfaitNetwork(string Prefix, string NetworkId, string MicrostructureId, string Key, string ContactEmail, string CoordinatorEmail)
{
    public static async Task<ForfaitNetwork> CreateAsync(HttpClient staff, string prefix)
    {
        await OrgTreeApi.CreateRegionAsync(staff, $"{prefix}-region");
        var network = $"{prefix}-rms";
        var coordinator = $"coordination.{prefix}@example.org";
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync("/api/manage/networks", new
        {
            id = network,
            name = $"RMS {prefix}",
            carryingAssociation = "Association Exemple",
            regionId = $"{prefix}-region",
            administrativeCoordinatorEmail = coordinator,
            medicalCoordinatorEmail = coordinator,
        })).StatusCode);
        var contact = $"accueil.{prefix}@example.org";
        var microstructure = $"{prefix}-ms";
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync("/api/manage/microstructures", new
        {
            id = microstructure,
            networkId = network,
            name = $"Cabinet {prefix}",
            town = "Strasbourg",
            postcode = "67000",
            practiceType = "cabinet",
            contactEmails = new[] { contact },
            openedOn = "2021-01-15",
        })).StatusCode);
        return new ForfaitNetwork(prefix, network, microstructure, await OrgTreeApi.IssueKeyAsync(staff, network), contact, coordinator);
    }

    // A forfait whose first period ends `days` from today (Paris): included one year minus that long ago.
    public async Task<JsonObject> IncludeEndingInAsync(HttpClient client, string pseudonym, int days)
    {
        var inclusion = Today().AddDays(days + 1).AddYears(-1);
        var response = await client.PostAsJsonAsync("/api/network/forfaits", new { microstructureId = MicrostructureId, pseudonym, schemeId = "equip-addict", inclusionDate = inclusion.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await OrgTreeApi.ReadAsync(response))!;
    }

    public static DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).DateTime);
}
