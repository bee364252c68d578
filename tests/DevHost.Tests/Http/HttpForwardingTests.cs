using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microstructures.TestSupport;

namespace Microstructures.DevHost.Tests.Http;

public sealed class HttpForwardingTests(Azurite azurite) : IClassFixture<Azurite>
{
    private async Task<TestScriptRoot> StartAsync()
    {
        var root = new TestScriptRoot(azurite.ConnectionString);
        root.AddHttpFunction("GetEvent", "events/{id}", "get");
        root.AddHttpFunction("Upload", "uploads", "post");
        root.AddHttpFunction("Files", "files/{*rest}");
        await root.StartAsync();
        return root;
    }

    [Fact]
    public async Task UndeclaredRouteOrMethodGets404()
    {
        await using var root = await StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await root.Client.GetAsync("/api/unknown")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await root.Client.PostAsync("/api/events/42", new StringContent("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await root.Client.GetAsync("/events/42")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await root.Client.GetAsync("/api/events/42/more")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await root.Client.GetAsync("/api/EVENTS/42")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await root.Client.DeleteAsync("/api/files/a/b/c.txt")).StatusCode);
    }

    [Fact]
    public async Task DeclaredRouteIsForwardedWithProxyHeadersAndJoinedQuery()
    {
        await using var root = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events/42?a=1&a=2&b=x%20y");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.9");
        request.Headers.TryAddWithoutValidation("X-Custom", "kept");
        using var response = await root.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("/api/events/42", (string)echo["path"]!);
        Assert.Equal("?a=1,2&b=x%20y", (string)echo["query"]!);
        var headers = echo["headers"]!;
        Assert.Equal("203.0.113.9, 127.0.0.1", (string)headers["X-Forwarded-For"]!);
        Assert.Equal("http", (string)headers["X-Forwarded-Proto"]!);
        Assert.Equal("kept", (string)headers["X-Custom"]!);
        Assert.Equal(root.Server.BaseUrl.Authority, (string)headers["Host"]!);
    }

    [Fact]
    public async Task AHandlerRedirectIsFollowedByTheHostNotPassedToTheCaller()
    {
        // The Functions host calls the handler with a plain HttpClient (DefaultHttpWorkerService), which
        // follows redirects: the caller gets the target's answer, never the 302 (azure-functions-host#7860).
        await using var root = await StartAsync();
        using var caller = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = root.Server.BaseUrl };
        using var response = await caller.PostAsync("/api/files/redirect", new StringContent("x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("/api/events/moved", (string)echo["path"]!);
        Assert.Equal("GET", (string)echo["method"]!);
    }

    [Fact]
    public async Task ChunkedBodyArrivesEmptyWhileContentLengthBodyArrivesWhole()
    {
        await using var root = await StartAsync();
        var payload = Encoding.UTF8.GetBytes("{\"name\":\"Camille\"}");

        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/uploads") { Content = new StreamContent(new MemoryStream(payload)) };
        chunked.Headers.TransferEncodingChunked = true;
        var chunkedEcho = (await (await root.Client.SendAsync(chunked)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(0, (int)chunkedEcho["bodyLength"]!);

        var whole = await root.Client.PostAsync("/api/uploads", new ByteArrayContent(payload));
        var wholeEcho = (await whole.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(payload.Length, (int)wholeEcho["bodyLength"]!);
        Assert.Equal("{\"name\":\"Camille\"}", (string)wholeEcho["body"]!);
    }

    [Fact]
    public async Task DisposingStopsTheHandlerProcess()
    {
        var root = await StartAsync();
        var handler = root.Server.HandlerBaseUrl;
        await root.DisposeAsync();
        using var client = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(handler));
    }

    [Fact]
    public async Task HandlerExitingBeforeReadinessFailsStartWithItsExitCode()
    {
        await using var root = new TestScriptRoot(azurite.ConnectionString);
        root.WriteHost(new JsonObject
        {
            ["version"] = "2.0",
            ["customHandler"] = new JsonObject
            {
                ["description"] = new JsonObject { ["defaultExecutablePath"] = "/bin/sh", ["arguments"] = new JsonArray("-c", "exit 3") },
                ["enableForwardingHttpRequest"] = true,
            },
        });
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => root.StartAsync());
        Assert.Contains("exited with code 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandlerEnvironmentCarriesSettingsAndHostVariables()
    {
        await using var root = await StartAsync();
        using var client = new HttpClient { BaseAddress = root.Server.HandlerBaseUrl };
        Assert.Equal("bonjour", await client.GetStringAsync("_test/environment/Greeting"));
        Assert.Equal("custom", await client.GetStringAsync("_test/environment/FUNCTIONS_WORKER_RUNTIME"));
        Assert.Equal(root.Server.HandlerBaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await client.GetStringAsync("_test/environment/FUNCTIONS_CUSTOMHANDLER_PORT"));
    }
}
