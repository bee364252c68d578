using System.Text.Json.Nodes;

namespace Microstructures.Infra.Tests;

// infra/main.bicep compiled to ARM JSON, and the resources a deployment of main.bicepparam would
// create (bicep snapshot: parameters evaluated, modules flattened). Computed once per test run.
public static class InfraTemplates
{
    private static readonly Lazy<Task<JsonNode>> Compiled = new(CompileAsync);
    private static readonly Lazy<Task<JsonArray>> Predicted = new(SnapshotAsync);

    public static Task<JsonNode> CompiledAsync() => Compiled.Value;

    public static Task<JsonArray> PredictedResourcesAsync() => Predicted.Value;

    public static async Task<IReadOnlyDictionary<string, string>> AppSettingsAsync()
    {
        var resources = await PredictedResourcesAsync();
        var config = resources.OfType<JsonObject>().Single(r =>
            (string?)r["type"] == "Microsoft.Web/sites/config" && ((string?)r["name"])?.EndsWith("/appsettings", StringComparison.Ordinal) == true);
        return config["properties"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
    }

    public static async Task<JsonObject> PredictedResourceAsync(string type) =>
        (await PredictedResourcesAsync()).OfType<JsonObject>().Single(r => (string?)r["type"] == type);

    // Every resource object in a template, nested deployments (modules) included.
    public static IEnumerable<JsonObject> Resources(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["type"] is JsonValue type && type.TryGetValue<string>(out var typeName) && typeName.Contains('/', StringComparison.Ordinal) && obj["apiVersion"] is not null)
                {
                    yield return obj;
                }
                foreach (var child in obj.Select(p => p.Value).SelectMany(Resources))
                {
                    yield return child;
                }
                break;
            case JsonArray array:
                foreach (var child in array.SelectMany(Resources))
                {
                    yield return child;
                }
                break;
        }
    }

    private static async Task<JsonNode> CompileAsync()
    {
        var result = await Bicep.RunAsync(Bicep.InfraDirectory, "build", "main.bicep", "--stdout");
        Assert.True(result.ExitCode == 0, "bicep build failed:\n" + result.StandardError);
        return JsonNode.Parse(result.StandardOutput)!;
    }

    private static async Task<JsonArray> SnapshotAsync()
    {
        // The snapshot is written beside the parameters file: work on a copy of infra/.
        var copy = Directory.CreateTempSubdirectory("infra-snapshot-");
        try
        {
            CopyDirectory(Bicep.InfraDirectory, copy.FullName);
            var result = await Bicep.RunAsync(copy.FullName, "snapshot", "main.bicepparam", "--mode", "overwrite",
                "--subscription-id", "00000000-0000-0000-0000-000000000001", "--tenant-id", "00000000-0000-0000-0000-000000000002",
                "--location", "francecentral", "--deployment-name", "infra-tests");
            Assert.True(result.ExitCode == 0, "bicep snapshot failed:\n" + result.StandardError + result.StandardOutput);
            var snapshot = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(copy.FullName, "main.snapshot.json")))!;
            return snapshot["predictedResources"]!.AsArray();
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
