// The floor for cold-start measurements: the smallest ASP.NET Core app answering /api/health,
// started the same way as the platform (dotnet <dll>, polled until the first 200).
var app = WebApplication.CreateSlimBuilder(args).Build();
app.MapGet("/api/health", () => TypedResults.Ok(new { status = "healthy" }));
app.Run();
