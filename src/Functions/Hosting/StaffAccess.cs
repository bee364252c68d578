using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Microstructures.Functions.Hosting;

// The CNRMS staff key check, one piece for every /api/manage endpoint: 401 problem+json without
// the right bearer key. Compared in constant time.
public sealed class StaffKeyFilter(IOptions<AdminOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var presented = BearerToken(context.HttpContext.Request);
        if (presented is null || !FixedTimeEquals(presented, options.Value.ApiKey))
        {
            return TypedResults.Problem(
                title: "Authentification requise",
                detail: "Cette action est réservée à l'équipe de la CNRMS : indiquez la clé d'accès (Authorization: Bearer <clé>).",
                statusCode: StatusCodes.Status401Unauthorized);
        }
        return await next(context);
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

public static class StaffAccessExtensions
{
    public static RouteGroupBuilder MapManageGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/manage").AddEndpointFilter<StaffKeyFilter>();
}
