using Microstructures.Bench.BareApp;

// The floors the platform is measured against, started the same way as the platform
// (dotnet <dll>, polled until the first 200):
//  - cold start: the smallest ASP.NET Core app answering /api/health;
//  - registration latency: POST /api/insert, one Azure Table insert per request (only mapped when
//    started with --BenchStorage <connection string>, so the cold-start floor loads no storage code).
var app = WebApplication.CreateSlimBuilder(args).Build();
app.MapGet("/api/health", () => TypedResults.Ok(new { status = "healthy" }));
if (app.Configuration["BenchStorage"] is { Length: > 0 } storage)
{
    await InsertEndpoint.MapAsync(app, storage);
}
app.Run();
