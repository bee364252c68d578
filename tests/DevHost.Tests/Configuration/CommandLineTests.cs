using System.Diagnostics;

namespace Microstructures.DevHost.Tests.Configuration;

public sealed class CommandLineTests
{
    [Fact]
    public async Task ConfigurationErrorExitsWithCode2NamingTheFile()
    {
        var folder = Directory.CreateTempSubdirectory("devhost-cli-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "local.settings.json"), """{"Values":{"AzureWebJobsStorage":"UseDevelopmentStorage=true"}}""");
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Microstructures.DevHost.dll"));
            psi.ArgumentList.Add("--script-root");
            psi.ArgumentList.Add(folder);
            psi.ArgumentList.Add("--port");
            psi.ArgumentList.Add("0");
            using var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(2, process.ExitCode);
            Assert.Contains(Path.Combine(folder, "host.json"), await stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
