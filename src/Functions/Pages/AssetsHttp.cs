using System.Reflection;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Pages;

// Static assets (CSS, JS modules, the import template) embedded in the assembly and served by one
// HTTP function, since the Functions host forwards only the routes of declared functions. Only
// embedded files of these types exist here: a name never reaches the file system.
public static class AssetsHttp
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".csv"] = "text/csv; charset=utf-8",
    };

    [Function("Assets")]
    [PublicAccess]
    public static IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/assets/{name}")] HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var assembly = Assembly.GetExecutingAssembly();
        var resource = "assets/" + name;
        if (!Types.TryGetValue(Path.GetExtension(name), out var type) || assembly.GetManifestResourceInfo(resource) is null)
        {
            return TypedResults.Problem(title: "Ressource introuvable", statusCode: StatusCodes.Status404NotFound);
        }
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=300";
        return Path.GetExtension(name).Equals(".csv", StringComparison.OrdinalIgnoreCase)
            ? TypedResults.Stream(assembly.GetManifestResourceStream(resource)!, type, fileDownloadName: name)
            : TypedResults.Stream(assembly.GetManifestResourceStream(resource)!, type);
    }
}
