using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests.Telemetry;

// Application Insights' ingestion endpoint as the Azure Monitor exporter calls it: POST /v2.1/track
// with newline-delimited JSON telemetry items, gzipped. Keeps every body as received (Raw) and its items.
public sealed class FakeIngestion : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<string> _bodies = [];

    private FakeIngestion(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    // What a component's connection string holds; no key, and nothing to authenticate against.
    public string ConnectionString => $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={Endpoint}";

    public string Raw
    {
        get
        {
            lock (_bodies)
            {
                return string.Join('\n', _bodies);
            }
        }
    }

    public IReadOnlyList<JsonObject> Items => Raw.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();

    public static async Task<FakeIngestion> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var ingestion = new FakeIngestion(app, new Uri($"http://127.0.0.1:{port}/"));
        app.MapPost("/v2.1/track", async (Microsoft.AspNetCore.Http.HttpRequest request) =>
        {
            Stream body = request.Body;
            if (request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                body = new GZipStream(request.Body, CompressionMode.Decompress);
            }
            using var reader = new StreamReader(body);
            var text = await reader.ReadToEndAsync();
            var count = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            lock (ingestion._bodies)
            {
                ingestion._bodies.Add(text);
            }
            return Microsoft.AspNetCore.Http.Results.Json(new { itemsReceived = count, itemsAccepted = count, errors = Array.Empty<object>() });
        });
        await app.StartAsync();
        return ingestion;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
