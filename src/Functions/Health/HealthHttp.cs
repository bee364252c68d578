using Microstructures.Core.Health;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Health;

// 200 when blob, queue and table storage answer; 503 naming the ones that do not.
public sealed class HealthHttp(HealthCheck check)
{
    [Function("Health")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request,
        CancellationToken cancellationToken)
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
