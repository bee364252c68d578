using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microstructures.Functions.Tests.ReferenceData;

// Small helpers to build a tree through the manage API, as the staff would.
internal static class OrgTreeApi
{
    private static readonly string[] OneContact = ["accueil@example.org"];

    public static async Task<JsonObject> CreateRegionAsync(HttpClient staff, string id, string name = "Grand Est")
    {
        var response = await staff.PostAsJsonAsync("/api/manage/regions", new { id, name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response))!;
    }

    public static async Task<JsonObject> CreateNetworkAsync(HttpClient staff, string id, string regionId, string name = "RMS des Tilleuls")
    {
        var response = await staff.PostAsJsonAsync("/api/manage/networks", new
        {
            id,
            name,
            carryingAssociation = "Association Les Tilleuls",
            regionId,
            administrativeCoordinatorEmail = "coordination@example.org",
            medicalCoordinatorEmail = "medecin.coordinateur@example.org",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response))!;
    }

    public static object Microstructure(string id, string networkId, string name = "Cabinet des Acacias") => new
    {
        id,
        networkId,
        name,
        town = "Strasbourg",
        postcode = "67000",
        practiceType = "cabinet",
        contactEmails = OneContact,
        openedOn = "2021-01-15",
    };

    public static async Task<JsonObject> CreateMicrostructureAsync(HttpClient staff, string id, string networkId, string name = "Cabinet des Acacias")
    {
        var response = await staff.PostAsJsonAsync("/api/manage/microstructures", Microstructure(id, networkId, name));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response))!;
    }

    public static async Task<string> IssueKeyAsync(HttpClient staff, string networkId)
    {
        var response = await staff.PostAsJsonAsync($"/api/manage/networks/{networkId}/keys", new { label = "Logiciel de saisie" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response))!["secret"]!.GetValue<string>();
    }

    public static async Task<JsonObject?> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject;

    public static async Task<JsonNode?> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    public static HttpClient WithBearer(this HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static string Canonical(JsonNode? node) => node?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
}
