using System.Text.Json.Nodes;

namespace Microstructures.DevHost.Configuration;

// worker.config.json in the script root, as the host reads a worker description (RpcWorkerDescription):
// the executable (`dotnet`), the worker path joined to the worker directory, extra arguments.
internal sealed class WorkerConfig
{
    public const string FileName = "worker.config.json";

    public required string FilePath { get; init; }

    public required string Language { get; init; }

    public required string ExecutablePath { get; init; }

    // Absolute: the host joins defaultWorkerPath to the worker directory (the script root for dotnet-isolated).
    public required string WorkerPath { get; init; }

    public required IReadOnlyList<string> ExecutableArguments { get; init; }

    public required IReadOnlyList<string> WorkerArguments { get; init; }

    public static WorkerConfig Load(string scriptRoot)
    {
        var path = Path.Combine(scriptRoot, FileName);
        if (!File.Exists(path))
        {
            throw new DevHostConfigurationException(path, "(file)",
                "worker.config.json not found: the script root must be the isolated worker's build output folder (Microsoft.Azure.Functions.Worker.Sdk writes it there)");
        }
        var description = JsonRead.GetObject(JsonRead.ParseObjectFile(path), "description");
        if (description is null)
        {
            throw new DevHostConfigurationException(path, "description", "is required");
        }
        var executable = JsonRead.GetString(description, "defaultExecutablePath");
        if (string.IsNullOrWhiteSpace(executable))
        {
            throw new DevHostConfigurationException(path, "description.defaultExecutablePath", "is required");
        }
        var workerPath = JsonRead.GetString(description, "defaultWorkerPath");
        if (string.IsNullOrWhiteSpace(workerPath))
        {
            throw new DevHostConfigurationException(path, "description.defaultWorkerPath", "is required");
        }
        var fullWorkerPath = Path.GetFullPath(workerPath, scriptRoot);
        if (!File.Exists(fullWorkerPath))
        {
            throw new DevHostConfigurationException(path, "description.defaultWorkerPath", $"file not found: {fullWorkerPath}");
        }
        return new WorkerConfig
        {
            FilePath = path,
            Language = JsonRead.GetString(description, "language") ?? "",
            ExecutablePath = executable,
            WorkerPath = fullWorkerPath,
            ExecutableArguments = Strings(description, "arguments"),
            WorkerArguments = Strings(description, "workerArguments"),
        };
    }

    private static List<string> Strings(JsonObject description, string name) =>
        (JsonRead.Get(description, name) as JsonArray ?? []).Select(a => a?.GetValue<string>() ?? "").Where(a => a.Length > 0).ToList();
}
