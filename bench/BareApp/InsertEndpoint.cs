using Azure.Data.Tables;

namespace Microstructures.Bench.BareApp;

// POST /api/insert: reads the request body (the same registration JSON the platform receives) and
// does exactly one Table insert of a small entity with a new RowKey. Same client options as the
// platform's storage (src/Core/Storage): 3 retries, 30 s network timeout.
internal static class InsertEndpoint
{
    public static async Task MapAsync(WebApplication app, string storage)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 3;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        var table = new TableServiceClient(storage, options).GetTableClient("benchinserts");
        await table.CreateIfNotExistsAsync();
        app.MapPost("/api/insert", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(cancellationToken);
            var entity = new TableEntity("bench", Guid.NewGuid().ToString("N"))
            {
                ["Length"] = body.Length,
                ["CreatedAt"] = DateTimeOffset.UtcNow,
            };
            await table.AddEntityAsync(entity, cancellationToken);
            return TypedResults.Created();
        });
    }
}
