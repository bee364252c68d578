using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Options;

namespace Microstructures.Functions.Hosting;

// The CNRMS staff key check for every [StaffAccess] function: 401 problem+json without the right
// bearer key, before the function runs (so before any body is read). Compared in constant time.
public sealed class StaffKeyMiddleware(IOptions<AdminOptions> options) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext() ?? throw new InvalidOperationException($"{context.FunctionDefinition.Name} is marked [StaffAccess] but is not an HTTP function.");
        var presented = BearerToken(http.Request);
        if (presented is null || !FixedTimeEquals(presented, options.Value.ApiKey))
        {
            context.GetInvocationResult().Value = TypedResults.Problem(
                title: "Authentification requise",
                detail: "Cette action est réservée à l'équipe de la CNRMS : indiquez la clé d'accès (Authorization: Bearer <clé>).",
                statusCode: StatusCodes.Status401Unauthorized);
            return;
        }
        await next(context);
    }

    public static string? BearerToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        const string Prefix = "Bearer ";
        return header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && header.Length > Prefix.Length
            ? header[Prefix.Length..].Trim()
            : null;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
