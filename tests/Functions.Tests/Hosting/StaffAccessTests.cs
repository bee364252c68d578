using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests.Hosting;

public sealed class StaffAccessTests(Azurite azurite) : IClassFixture<Azurite>
{
    // Found in the route table, so a future /api/manage endpoint is checked without being listed here.
    // Only the staff pages answer without the key, and they carry no data (their script fetches it with the key).
    [Fact]
    public async Task EveryManageRouteRefusesCallersWithoutTheStaffKeyExceptTheEmptyPageShells()
    {
        await using var factory = new FunctionAppFactory(azurite);
        _ = factory.Services;
        var routes = factory.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .Where(r => r.Pattern.StartsWith("/api/manage", StringComparison.OrdinalIgnoreCase))
            .SelectMany(r => r.Methods.Select(m => (r.Pattern, Method: m)))
            .ToList();
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "rms_not-the-staff-key");
        var pages = new List<string>();

        Assert.True(routes.Count > 10);
        foreach (var (pattern, method) in routes)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{([^}:?=]+)[^}]*\}", m => m.Groups[1].Value == "year" ? "2025" : "x");
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }
            var response = await client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK && method == "GET" && response.Content.Headers.ContentType?.MediaType == "text/html")
            {
                var html = await response.Content.ReadAsStringAsync();
                Assert.Contains("id=\"staff-key-form\"", html, StringComparison.Ordinal);
                Assert.DoesNotContain("@example.org", html, StringComparison.Ordinal);
                pages.Add(path);
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} without the staff key");
        }
        Assert.Equal(["/api/manage", "/api/manage/events", "/api/manage/keys"], pages.Order(StringComparer.Ordinal));
    }
}
