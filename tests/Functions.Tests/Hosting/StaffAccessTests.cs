using System.Net;
using System.Text;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Tests.Hosting;

// Every function under api/manage, found in the generated functions.metadata (so a future one is checked
// without being listed here), called through the worker with a wrong key and with none. Only the staff
// page shells answer, and they carry no data (their script fetches it with the key).
public sealed class StaffAccessTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    private static readonly string?[] WrongKeys = [null, "rms_not-the-staff-key", FunctionsHost.StaffKey + "x"];

    [Fact]
    public async Task EveryManageFunctionRefusesCallersWithoutTheStaffKeyExceptTheEmptyPageShells()
    {
        var routes = FunctionsOutput.ReadMetadata()
            .Where(f => f.IsHttp && FunctionCatalog.IsUnder(f.Route, FunctionCatalog.ManagePrefix))
            .SelectMany(f => f.Methods.Select(m => (f.Name, Path: FunctionsOutput.Fill(f.Route!), Method: m)))
            .ToList();
        var pages = new HashSet<string>(StringComparer.Ordinal);

        Assert.True(routes.Count > 20);
        foreach (var (name, path, method) in routes)
        {
            foreach (var key in WrongKeys)
            {
                using var client = app.CreateClient();
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }
                if (key is not null)
                {
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
                }
                using var response = await client.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK && method == "GET" && response.Content.Headers.ContentType?.MediaType == "text/html")
                {
                    var html = await response.Content.ReadAsStringAsync();
                    Assert.Contains("id=\"staff-key-form\"", html, StringComparison.Ordinal);
                    Assert.DoesNotContain("@example.org", html, StringComparison.Ordinal);
                    pages.Add(path);
                    continue;
                }
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {method} {path} answered {(int)response.StatusCode} without the staff key");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        Assert.Equal(["/api/manage", "/api/manage/dashboard", "/api/manage/events", "/api/manage/forfaits", "/api/manage/keys", "/api/manage/newsletter", "/api/manage/newsletter/list", "/api/manage/queues", "/api/manage/submissions"], pages.Order(StringComparer.Ordinal));
    }
}
