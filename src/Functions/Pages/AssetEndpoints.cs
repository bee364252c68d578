using System.Reflection;

namespace Microstructures.Functions.Pages;

// Static assets (CSS, JS modules) embedded in the assembly and served by one HTTP function, since
// the Functions host forwards only routes a function.json declares.
public static class AssetEndpoints
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    };

    public static void MapAssetEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/assets/{name}", GetAsset);

    internal static IResult GetAsset(string name, HttpContext context)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var resource = "assets/" + name;
        if (!Types.TryGetValue(Path.GetExtension(name), out var type) || assembly.GetManifestResourceInfo(resource) is null)
        {
            return TypedResults.Problem(title: "Ressource introuvable", statusCode: StatusCodes.Status404NotFound);
        }
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Stream(assembly.GetManifestResourceStream(resource)!, type);
    }
}
