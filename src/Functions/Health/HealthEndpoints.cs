using Microstructures.Core.Health;

namespace Microstructures.Functions.Health;

public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/health", GetHealthAsync);

    // 200 when blob, queue and table storage answer; 503 naming the ones that do not.
    internal static async Task<IResult> GetHealthAsync(HealthCheck check, CancellationToken cancellationToken)
    {
        var report = await check.CheckAsync(cancellationToken);
        var body = new
        {
            status = report.Healthy ? "healthy" : "unhealthy",
            down = report.Down.ToArray(),
            components = report.Components.ToDictionary(c => c.Name, c => new { reachable = c.Reachable, error = c.Error }),
        };
        return TypedResults.Json(body, statusCode: report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
