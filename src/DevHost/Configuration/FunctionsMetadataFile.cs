using System.Text.Json;
using System.Text.Json.Nodes;
using Microstructures.DevHost.Grpc.Messages;

namespace Microstructures.DevHost.Configuration;

internal static class FunctionsMetadataFile
{
    // use_default_metadata_indexing: the host indexes the app itself; for dotnet-isolated that is
    // functions.metadata, written by the worker SDK (FunctionMetadataLoaderExtension). Function ids are
    // then the host's to give: a stable one from the name.
    public static IReadOnlyList<RpcFunctionMetadata> Read(string scriptRoot)
    {
        var path = Path.Combine(scriptRoot, FunctionIndex.MetadataFileName);
        if (!File.Exists(path))
        {
            throw new DevHostConfigurationException(path, "(file)", "the worker asked the host to index the functions, and functions.metadata is missing");
        }
        JsonArray array;
        try
        {
            array = JsonNode.Parse(File.ReadAllText(path), JsonRead.NodeOptions, JsonRead.DocumentOptions) as JsonArray
                ?? throw new DevHostConfigurationException(path, "(root)", "must be a JSON array of functions");
        }
        catch (JsonException ex)
        {
            throw new DevHostConfigurationException(path, "(file)", "is not valid JSON: " + ex.Message, ex);
        }
        var result = new List<RpcFunctionMetadata>();
        foreach (var (node, i) in array.Select((n, i) => (n as JsonObject, i)))
        {
            if (node is null)
            {
                throw new DevHostConfigurationException(path, $"[{i}]", "must be an object");
            }
            var name = JsonRead.GetString(node, "name")
                ?? throw new DevHostConfigurationException(path, $"[{i}].name", "is required");
            var metadata = new RpcFunctionMetadata
            {
                Name = name,
                ScriptFile = JsonRead.GetString(node, "scriptFile") ?? "",
                EntryPoint = JsonRead.GetString(node, "entryPoint") ?? "",
                Language = JsonRead.GetString(node, "language") ?? "",
                FunctionId = StableId(name),
            };
            foreach (var binding in JsonRead.Get(node, "bindings") as JsonArray ?? [])
            {
                metadata.RawBindings.Add(binding?.ToJsonString() ?? "null");
            }
            result.Add(metadata);
        }
        return result;
    }

    private static string StableId(string name)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name.ToUpperInvariant()));
        return BitConverter.ToUInt32(hash, 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
