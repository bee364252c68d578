using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests.Hosting;

// The Functions host forwards only what a function.json declares: an endpoint without one is
// unreachable in Azure, and a function.json without an endpoint answers 404 there.
public sealed class FunctionManifestTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly string OutputDir = RepoPaths.Combine("src", "Functions", "bin", RepoPaths.Configuration, "net10.0");

    private sealed record Declared(string Function, string Kind, string Route, string[] Methods);

    private static List<Declared> ReadFunctionJsons()
    {
        Assert.True(File.Exists(Path.Combine(OutputDir, "host.json")), "host.json missing from the build output " + OutputDir);
        var declared = new List<Declared>();
        foreach (var dir in Directory.GetDirectories(OutputDir))
        {
            var file = Path.Combine(dir, "function.json");
            if (!File.Exists(file))
            {
                continue;
            }
            var name = Path.GetFileName(dir);
            var bindings = JsonNode.Parse(File.ReadAllText(file))!["bindings"]!.AsArray();
            var trigger = bindings.Single(b => b!["direction"]!.GetValue<string>() == "in" && b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal))!;
            var type = trigger["type"]!.GetValue<string>();
            if (type == "httpTrigger")
            {
                Assert.Equal("anonymous", trigger["authLevel"]?.GetValue<string>());
                Assert.Equal(2, bindings.Count);
                var route = trigger["route"]!.GetValue<string>();
                Assert.False(route.StartsWith("admin", StringComparison.OrdinalIgnoreCase) || route.StartsWith("runtime", StringComparison.OrdinalIgnoreCase), $"{name}: routes starting with admin or runtime are refused by the host");
                var methods = trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToUpperInvariant()).Order().ToArray();
                declared.Add(new Declared(name, "http", "/api/" + route, methods));
            }
            else
            {
                declared.Add(new Declared(name, type, "/" + name, ["POST"]));
            }
        }
        return declared;
    }

    private static string Normalize(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, @"\{([^}:?=]+)[^}]*\}", "{$1}").ToUpperInvariant();

    [Fact]
    public async Task EveryEndpointHasAFunctionJsonWithTheSameRouteAndMethodsAndTheReverse()
    {
        await using var factory = new FunctionAppFactory(azurite);
        _ = factory.Services; // builds the host
        var endpoints = factory.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw != "/")
            .Select(e => (Route: Normalize("/" + e.RoutePattern.RawText!.TrimStart('/')),
                Methods: (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => m.ToUpperInvariant()).Order().ToArray()))
            .GroupBy(e => e.Route)
            .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Methods).Distinct().Order().ToArray());
        var declared = ReadFunctionJsons();

        Assert.NotEmpty(declared);
        foreach (var function in declared)
        {
            var route = Normalize(function.Route);
            Assert.True(endpoints.TryGetValue(route, out var methods), $"{function.Function}/function.json declares {function.Route} but no endpoint maps it");
            Assert.Equal(function.Methods, methods);
        }
        var declaredRoutes = declared.Select(d => Normalize(d.Route)).ToHashSet();
        var undeclared = endpoints.Keys.Where(r => !declaredRoutes.Contains(r)).ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without a function.json: " + string.Join(", ", undeclared));
    }

    [Fact]
    public void HostJsonNamesTheExecutableThatTheBuildProduces()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(OutputDir, "host.json")))!;
        var executable = host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>();

        Assert.True(File.Exists(Path.Combine(OutputDir, executable)), $"host.json names {executable}, which the build did not produce");
        Assert.True(host["customHandler"]!["enableForwardingHttpRequest"]!.GetValue<bool>());
    }
}
