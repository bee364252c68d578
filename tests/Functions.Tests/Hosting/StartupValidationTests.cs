using System.Diagnostics;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests.Hosting;

// A missing or wrong setting stops the app at start with the setting's name, not at first use.
// The real executable is started the way the Functions host starts it (settings as environment variables).
public sealed class StartupValidationTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly string Executable = RepoPaths.Combine("src", "Functions", "bin", RepoPaths.Configuration, "net10.0", "Microstructures.Functions");

    [Theory]
    [InlineData("App__PublicBaseUrl", "", "PublicBaseUrl")]
    [InlineData("App__PublicBaseUrl", "/relative", "App__PublicBaseUrl")]
    [InlineData("Admin__ApiKey", "short", "ApiKey")]
    [InlineData("Email__FromAddress", "", "FromAddress")]
    [InlineData("SendGrid__ApiKey", "", "ApiKey")]
    [InlineData("AzureWebJobsStorage", "", "AzureWebJobsStorage")]
    public async Task AMissingOrInvalidSettingStopsTheStartNamingIt(string key, string value, string named)
    {
        var settings = new Dictionary<string, string>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["App__PublicBaseUrl"] = "https://evenements.example.org",
            ["Admin__ApiKey"] = "test-staff-key-0123456789",
            ["SendGrid__ApiKey"] = "SG.test",
            ["Email__FromAddress"] = "no-reply@example.org",
        };
        settings[key] = value;
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in settings)
        {
            psi.Environment[k] = v;
        }

        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The app kept running with {key}='{value}': it should refuse to start.");
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(named, await output + await error, StringComparison.Ordinal);
    }
}
