using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Microstructures.Functions.Tests.Health;

public sealed class HealthTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    [Fact]
    public async Task HealthyWhenBlobQueueAndTableAnswer()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/health");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("down").EnumerateArray());
    }

    // The platform owns / (AzureWebJobsDisableHomepage: no host page there): its public home page answers.
    [Fact]
    public async Task TheRootIsThePlatformsHomeNotTheHosts()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Événements de la CNRMS</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class HealthWithTableDownTests(TableDownHost app) : IClassFixture<TableDownHost>
{
    [Fact]
    public async Task UnhealthyNamingTheServiceThatIsDown()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/health");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(new[] { "table" }, body.GetProperty("down").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }
}
