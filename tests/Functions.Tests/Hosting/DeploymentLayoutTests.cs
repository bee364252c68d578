using System.Diagnostics;
using System.Text.Json.Nodes;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests.Hosting;

// The deployment package is what `dotnet publish src/Functions -c Release -r linux-x64` gives, and what
// the Functions host loads for dotnet-isolated: host.json, functions.metadata listing every function,
// worker.config.json, and extensions.json naming the host-side storage-queues extension with its
// assemblies under .azurefunctions/ (timers and HTTP are built into the host).
public sealed class DeploymentLayoutTests : IAsyncLifetime
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "functions-publish-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "publish", RepoPaths.Combine("src", "Functions", "Functions.csproj"), "-c", "Release", "-r", "linux-x64", "-o", _output, "-nologo", "-v:q" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "dotnet publish failed: " + await output + await error);
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
        return Task.CompletedTask;
    }

    [Fact]
    public void ThePublishedFolderIsWhatTheFunctionsHostLoadsForDotnetIsolated()
    {
        Assert.True(File.Exists(Path.Combine(_output, "host.json")));
        Assert.Empty(Directory.GetFiles(_output, "function.json", SearchOption.AllDirectories));

        var worker = JsonNode.Parse(File.ReadAllText(Path.Combine(_output, "worker.config.json")))!["description"]!;
        Assert.Equal("dotnet-isolated", worker["language"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(_output, worker["defaultWorkerPath"]!.GetValue<string>())));

        var declared = FunctionsOutput.ReadMetadata(_output);
        Assert.Equal(FunctionsOutput.ReadmeFunctionNames().Order(StringComparer.Ordinal), declared.Select(f => f.Name).Order(StringComparer.Ordinal));

        var extensions = JsonNode.Parse(File.ReadAllText(Path.Combine(_output, "extensions.json")))!["extensions"]!.AsArray();
        var queues = Assert.Single(extensions, e => e!["name"]!.GetValue<string>() == "AzureStorageQueues")!;
        Assert.StartsWith("Microsoft.Azure.WebJobs.Extensions.Storage.AzureStorageQueuesWebJobsStartup, Microsoft.Azure.WebJobs.Extensions.Storage.Queues,", queues["typeName"]!.GetValue<string>(), StringComparison.Ordinal);
        foreach (var extension in extensions)
        {
            var hintPath = extension!["hintPath"]!.GetValue<string>();
            Assert.StartsWith("./.azurefunctions/", hintPath, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(_output, hintPath)), hintPath + " is not in the package");
        }
    }
}
