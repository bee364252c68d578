using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Tests.Hosting;

// A function that fails is answered by HttpErrorMiddleware, never by the host's empty 500. Table storage
// unreachable (its endpoint points at a closed port) is an outage, not a bug: a prompt 503 with
// Retry-After, problem+json in French for an API caller, an error page for a browser.
public sealed class HttpErrorTests(TableDownHost app) : IClassFixture<TableDownHost>
{
    [Fact]
    public async Task StorageDownIsA503ProblemInFrenchWithRetryAfter()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/events/jnm-panne");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Service momentanément indisponible", problem.GetProperty("title").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Contains("réessayez dans une minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageDownIsA503PageForABrowser()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events/jnm-panne/register");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"fr\">", page, StringComparison.Ordinal);
        Assert.Contains("<title>Erreur\u00A0: service momentanément indisponible", page, StringComparison.Ordinal);
        Assert.Contains("réessayez dans une minute", page, StringComparison.Ordinal);
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

    // Storage that answers "your request is wrong" is a bug of ours, not an outage: it stays a 500.
    [Fact]
    public void OnlyStorageThatDoesNotAnswerIsAnOutage()
    {
        Assert.True(StorageOutage.Explains(new RequestFailedException(0, "Connection refused")));
        Assert.True(StorageOutage.Explains(new RequestFailedException(503, "Server busy")));
        Assert.True(StorageOutage.Explains(new AggregateException(new RequestFailedException(0, "a"), new RequestFailedException(500, "b"))));
        Assert.False(StorageOutage.Explains(new RequestFailedException(400, "The table key is invalid")));
        Assert.False(StorageOutage.Explains(new AggregateException(new RequestFailedException(0, "a"), new InvalidOperationException())));
        Assert.False(StorageOutage.Explains(new InvalidOperationException("a bug")));
    }
}
