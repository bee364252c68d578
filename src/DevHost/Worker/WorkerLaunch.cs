using System.Globalization;
using Microstructures.DevHost.Configuration;

namespace Microstructures.DevHost.Worker;

// How the host starts the worker (DefaultWorkerProcessFactory, RpcWorkerContext, RpcWorkerProcess, and
// what `func start` puts in its own environment first): see contract-worker/worker-process-start.json.
internal sealed class WorkerLaunch
{
    // The maximum gRPC message length the host announces (RpcWorkerConstants.DefaultMaxMessageLengthBytes).
    public const int MaxMessageLength = int.MaxValue;

    public required string ScriptRoot { get; init; }

    public required string Executable { get; init; }

    public required WorkerConfig Config { get; init; }

    // Added to the inherited environment.
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    // The checks that need no process: done before anything starts.
    public static string Validate(WorkerConfig config, LocalSettings settings)
    {
        var runtime = settings.Get("FUNCTIONS_WORKER_RUNTIME");
        if (runtime is not null && !string.Equals(runtime, "dotnet-isolated", StringComparison.OrdinalIgnoreCase))
        {
            throw new DevHostConfigurationException(settings.Path, "Values.FUNCTIONS_WORKER_RUNTIME",
                $"is '{runtime}': the DevHost runs the .NET isolated worker, so it must be dotnet-isolated");
        }
        if (!string.IsNullOrEmpty(config.Language) && !string.Equals(config.Language, "dotnet-isolated", StringComparison.OrdinalIgnoreCase))
        {
            throw new DevHostConfigurationException(config.FilePath, "description.language", $"is '{config.Language}': the DevHost runs dotnet-isolated workers only");
        }
        var executable = ProcessLauncher.FindOnPath(config.ExecutablePath);
        if (executable is null && config.ExecutablePath == "dotnet"
            && System.Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            executable = self;
        }
        if (executable is null)
        {
            throw new DevHostConfigurationException(config.FilePath, "description.defaultExecutablePath", $"'{config.ExecutablePath}' not found (on PATH)");
        }
        return executable;
    }

    public static WorkerLaunch Create(string scriptRoot, WorkerConfig config, string executable, LocalSettings settings, Uri baseUrl)
    {
        var inherited = System.Environment.GetEnvironmentVariables();
        var environment = new Dictionary<string, string>(settings.WorkerAdditions, StringComparer.Ordinal);
        void TryAdd(string name, string value)
        {
            if (!inherited.Contains(name) && !environment.ContainsKey(name))
            {
                environment[name] = value;
            }
        }
        // func: local.settings.json Values (above, unless already set), then its own additions.
        TryAdd("FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated");
        environment["AzureWebJobsScriptRoot"] = scriptRoot;
        TryAdd("WEBSITE_HOSTNAME", baseUrl.Authority);
        TryAdd("AZURE_FUNCTIONS_ENVIRONMENT", "Development");
        TryAdd("ASPNETCORE_SUPPRESSSTATUSMESSAGES", "true");
        TryAdd("Logging__LogLevel__Microsoft.Hosting.Lifetime", "None");
        // The worker SDK's FunctionMetadataLoader extension sets these in the host.
        TryAdd("DOTNET_NOLOGO", "true");
        TryAdd("DOTNET_CLI_TELEMETRY_OPTOUT", "true");
        TryAdd("DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "true");
        // The host itself (RpcWorkerProcess.CreateWorkerProcess).
        environment["FUNCTIONS_WORKER_DIRECTORY"] = scriptRoot;
        environment["FUNCTIONS_APPLICATION_DIRECTORY"] = scriptRoot;
        return new WorkerLaunch { ScriptRoot = scriptRoot, Executable = executable, Config = config, Environment = environment };
    }

    // `"<dir>/<dll>" --host … --functions-grpc-max-message-length 2147483647`, as a list.
    public IReadOnlyList<string> Arguments(Uri grpcUri, string workerId, string requestId)
    {
        var length = MaxMessageLength.ToString(CultureInfo.InvariantCulture);
        return
        [
            .. Config.ExecutableArguments,
            Config.WorkerPath,
            .. Config.WorkerArguments,
            "--host", grpcUri.Host,
            "--port", grpcUri.Port.ToString(CultureInfo.InvariantCulture),
            "--workerId", workerId,
            "--requestId", requestId,
            "--grpcMaxMessageLength", length,
            "--functions-uri", grpcUri.AbsoluteUri,
            "--functions-worker-id", workerId,
            "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", length,
        ];
    }
}
