using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Microstructures.Bench.BareWorker;

// As bench/BareApp's /api/health: 200 with a small JSON body, no I/O.
public static class HealthHttp
{
    [Function("Health")]
    public static IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request) =>
        TypedResults.Ok(new { status = "healthy" });
}
