using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests.Health;

public sealed class HealthTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task HealthyWhenBlobQueueAndTableAnswer()
    {
        await using var factory = new FunctionAppFactory(azurite);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/health");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(body.GetProperty("down").EnumerateArray());
    }

    [Fact]
    public async Task UnhealthyNamingTheServiceThatIsDown()
    {
        var deadPort = FreePort.Next();
        var connection = azurite.IsolatedConnectionString();
        connection = System.Text.RegularExpressions.Regex.Replace(connection, @"TableEndpoint=http://127\.0\.0\.1:\d+/", $"TableEndpoint=http://127.0.0.1:{deadPort}/");
        await using var factory = new FunctionAppFactory(azurite, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connection });
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/health");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(new[] { "table" }, body.GetProperty("down").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }
}
