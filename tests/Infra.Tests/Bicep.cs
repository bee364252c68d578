using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Microstructures.Infra.Tests;

public sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    // Diagnostics ("file(line,col) : Warning rule: message") may come on either stream.
    public IReadOnlyList<string> Diagnostics =>
        [.. (StandardError + "\n" + (StandardOutput.TrimStart().StartsWith('{') ? "" : StandardOutput))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct()];
}

// The bicep CLI of the Azure.Bicep.CommandLine.linux-x64 package, restored with the test project.
public static class Bicep
{
    // Values for the parameters main.bicepparam reads from the environment (azd sets them in real use).
    public static IReadOnlyDictionary<string, string> ParameterEnvironment { get; } = new Dictionary<string, string>
    {
        ["AZURE_ENV_NAME"] = "cnrms-test",
        ["AZURE_LOCATION"] = "francecentral",
        ["CNRMS_STAFF_EMAIL"] = "staff@example.org",
        ["CNRMS_EMAIL_FROM_ADDRESS"] = "no-reply@example.org",
        ["CNRMS_POSTAL_ADDRESS"] = "1 rue de l'Exemple, 67000 Strasbourg",
        ["CNRMS_FORFAIT_REMINDERS_START_DATE"] = "2026-12-01",
    };

    private static readonly Lazy<string> Executable = new(Locate);

    public static string InfraDirectory => Microstructures.TestSupport.RepoPaths.Combine("infra");

    public static async Task<BicepResult> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Only the test's values reach main.bicepparam, whatever the developer's shell exports.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AZURE_", StringComparison.Ordinal) || k.StartsWith("CNRMS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in ParameterEnvironment)
        {
            start.Environment[name] = value;
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start: " + Executable.Value);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("bicep " + string.Join(' ', arguments) + " did not finish within 3 minutes.");
        }
        return new BicepResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Locate()
    {
        var path = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepPath")?.Value;
        if (string.IsNullOrEmpty(path) || path.StartsWith("/tools", StringComparison.Ordinal) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The bicep CLI is not where the restore put it ('{path}'): build tests/Infra.Tests, which restores Azure.Bicep.CommandLine.linux-x64.");
        }
        // NuGet extracts the file with the mode of the archive entry; make sure it can run.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & execute) != execute)
            {
                File.SetUnixFileMode(path, mode | execute);
            }
        }
        return path;
    }
}
