using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microstructures.DevHost.Tests.Support;
using Microstructures.TestSupport;

namespace Microstructures.DevHost.Tests.Http;

public sealed class HttpForwardingFixture : SharedHostFixture
{
    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"] = "100000",
    };
}

// HTTP as the host forwards it to a worker with the ASP.NET Core integration (contract-worker §3).
public sealed class HttpForwardingTests(HttpForwardingFixture fixture) : IClassFixture<HttpForwardingFixture>
{
    private TestWorkerHost Host => fixture.Host;

    private async Task<JsonObject> EchoAsync(HttpRequestMessage request)
    {
        using var response = await Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task TheWorkerSeesTheCallersAddressNotAClaimedOneAndTheInvocationIdOfItsInvocation()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/echo/42?a=1&a=2&b=x%20y");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.9");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "evil.example.org");
        request.Headers.TryAddWithoutValidation("X-Custom", "kept");
        var echo = await EchoAsync(request);

        // The host's proxy replaces X-Forwarded-* and the worker's forwarded-headers middleware applies them.
        Assert.Equal("127.0.0.1", (string)echo["remoteIp"]!);
        Assert.Equal(Host.Server.BaseUrl.Authority, (string)echo["host"]!);
        Assert.Equal("http", (string)echo["scheme"]!);
        var headers = echo["headers"]!.AsObject();
        Assert.DoesNotContain(headers, h => h.Key.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("kept", (string)headers["X-Custom"]!);
        // x-ms-invocation-id paired the request with the InvocationRequest.
        Assert.Equal((string)echo["invocationId"]!, (string)headers["x-ms-invocation-id"]!);
        Assert.Equal("/api/echo/42", (string)echo["path"]!);
        Assert.Equal("?a=1&a=2&b=x%20y", (string)echo["query"]!);
        Assert.Equal("42", (string)echo["routeValues"]!["id"]!);
    }

    [Fact]
    public async Task TheInvocationCarriesTheHttpBindingsTriggerMetadata()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/echo/o-7?source=web&code=secret")
        {
            Content = new StringContent("""{"id":"from-body","qty":3,"when":"2026-11-30T05:25:16Z","nested":{"a":1}}""", Encoding.UTF8, "application/json"),
        };
        var data = (await EchoAsync(request))["bindingData"]!.AsObject();

        Assert.Equal("o-7", (string)data["id"]!);
        Assert.Equal("3", (string)data["qty"]!);
        Assert.Equal("11/30/2026 05:25:16", (string)data["when"]!);
        Assert.Equal("""{"a":1}""", (string)data["nested"]!);
        Assert.Equal("web", (string)data["source"]!);
        Assert.False(data.ContainsKey("code"));
        Assert.Equal("""{"source":"web","code":"secret"}""", (string)data["Query"]!);
        var headers = JsonNode.Parse((string)data["Headers"]!)!.AsObject();
        Assert.Equal("application/json; charset=utf-8", (string)headers["Content-Type"]!);
        Assert.False(headers.ContainsKey("x-ms-invocation-id"));
    }

    [Fact]
    public async Task ARedirectIsPassedToTheCallerNotFollowed()
    {
        using var caller = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.Server.BaseUrl };
        using var response = await caller.PostAsync("/api/redirect", new StringContent("x"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/api/echo/moved", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AChunkedBodyArrivesWhole()
    {
        var payload = Encoding.UTF8.GetBytes(new string('x', 20_000));
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/echo/chunked") { Content = new StreamContent(new MemoryStream(payload)) };
        request.Headers.TransferEncodingChunked = true;

        var echo = await EchoAsync(request);

        Assert.Equal(payload.Length, (int)echo["bodyLength"]!);
        Assert.Equal("chunked", (string)echo["headers"]!["Transfer-Encoding"]!);
    }

    [Fact]
    public async Task OnlyADeclaredRouteAndMethodIsForwarded()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Client.GetAsync("/api/unknown")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Client.DeleteAsync("/api/echo/42")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Client.GetAsync("/api/echo/42/more")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Client.GetAsync("/api/slow/not-a-number")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.GetAsync("/API/ECHO")).StatusCode);
        // The root function (routePrefix "", a route matching only "/").
        Assert.Equal("home of the test worker", await Host.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task AFunctionThatThrowsBeforeWritingGivesAnEmpty500()
    {
        using var response = await Host.Client.GetAsync("/api/throw");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413WithOrWithoutContentLength()
    {
        var tooBig = new byte[100_001];
        using var sized = await Host.Client.PutAsync("/api/echo/big", new ByteArrayContent(tooBig));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, sized.StatusCode);

        using var chunked = new HttpRequestMessage(HttpMethod.Put, "/api/echo/big") { Content = new StreamContent(new MemoryStream(tooBig)) };
        chunked.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await Host.Client.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);

        using var fits = await Host.Client.PutAsync("/api/echo/big", new ByteArrayContent(new byte[100_000]));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task ACallerThatGoesAwayCancelsTheInvocationInTheWorker()
    {
        using (var abort = new CancellationTokenSource())
        {
            var call = Host.Client.GetAsync("/api/wait/60000", abort.Token);
            // Running in the worker, not only asked for: a caller gone before the request was forwarded
            // cancels an invocation that never ran, and records nothing (seen on a loaded machine).
            await Eventually.UntilAsync(() => Host.RecordsAsync("WaitStarted"), r => r.Count > 0, "the waiting function running in the worker");
            await abort.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        var record = (await Eventually.UntilAsync(() => Host.RecordsAsync("Wait"), r => r.Count > 0, "the waiting function's record"))[0];
        Assert.True(record.GetBoolean("Cancelled"));
    }

    [Fact]
    public async Task TheDevHostsOwnRoutesWinAndAdminRoutesAreNotForwarded()
    {
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.GetAsync("/_devhost/queues.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.GetAsync("/admin/host/status")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Client.GetAsync("/admin/anything")).StatusCode);
    }

    [Fact]
    public async Task ARushOfConcurrentRequestsAllSucceed()
    {
        // The worker gives a forwarded request 5 s to meet its InvocationRequest: none may be held back.
        using var caller = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1000 }) { BaseAddress = Host.Server.BaseUrl, Timeout = TimeSpan.FromMinutes(3) };
        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
        {
            using var response = await caller.PostAsync($"/api/echo/r{i}", new StringContent($"{{\"n\":{i}}}", Encoding.UTF8, "application/json"));
            var echo = await response.Content.ReadFromJsonAsync<JsonObject>();
            return (response.StatusCode, Id: (string?)echo?["routeValues"]?["id"]);
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"r{i}"), responses.Select(r => r.Id));
    }
}

// The host's rule for "/" when no function answers it (HomepageMiddleware).
public sealed class HomepageTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Theory]
    [InlineData("true", HttpStatusCode.NoContent)]
    [InlineData("false", HttpStatusCode.OK)]
    public async Task WithoutARootFunctionTheRootIsTheHostsHomepageUnlessDisabled(string disabled, HttpStatusCode expected)
    {
        await using var host = new TestWorkerHost(azurite.IsolatedConnectionString(), settings: new Dictionary<string, string>
        {
            ["AzureWebJobs.Home.Disabled"] = "true",
            ["AzureWebJobsDisableHomepage"] = disabled,
        });
        await host.StartAsync();

        using var response = await host.Client.GetAsync("/");

        Assert.Equal(expected, response.StatusCode);
        Assert.DoesNotContain(host.Server.Functions, f => f.Name == "Home");
    }

    [Fact]
    public async Task ARootFunctionAnswersTheRootWhenTheHomepageIsDisabled()
    {
        await using var host = new TestWorkerHost(azurite.IsolatedConnectionString(), settings: new Dictionary<string, string>
        {
            ["AzureWebJobsDisableHomepage"] = "true",
        });
        await host.StartAsync();

        Assert.Equal("home of the test worker", await host.Client.GetStringAsync("/"));
    }
}
