using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Microstructures.Functions.Tests.Hosting;

// A function that throws (here: table storage is unreachable, so reading an event fails) is answered
// by HttpErrorMiddleware, never by the host's empty 500: problem+json in French for an API caller, an
// error page for a browser asking for a page.
public sealed class HttpErrorTests(TableDownHost app) : IClassFixture<TableDownHost>
{
    [Fact]
    public async Task AThrowingFunctionAnswersAProblemInFrench()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/events/jnm-panne");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Erreur interne", problem.GetProperty("title").GetString());
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        Assert.Contains("Réessayez plus tard", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AThrowingPageAnswersAnErrorPageToABrowser()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events/jnm-panne/register");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"fr\">", page, StringComparison.Ordinal);
        Assert.Contains("<title>Erreur interne", page, StringComparison.Ordinal);
        Assert.Contains("Une erreur inattendue", page, StringComparison.Ordinal);
        Assert.EndsWith("</html>", page.TrimEnd(), StringComparison.Ordinal);
        // The error page is a page like the others: its security headers too.
        Assert.Equal(Microstructures.Functions.Hosting.SecurityHeadersMiddleware.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    // The staff key is checked before the function runs: a bad key is answered at once, storage untouched.
    [Fact]
    public async Task ABadStaffKeyIsA401BeforeAnyStorageIsTouched()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "pas-la-cle");

        using var response = await client.GetAsync("/api/manage/event-list");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
