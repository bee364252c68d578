using System.Diagnostics;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests.Hosting;

// A missing or wrong setting stops the worker at start with the setting's name, not at first use.
// The real worker is started as the Functions host starts it (dotnet <dll> with the --functions-*
// arguments, settings as environment variables), but no host listens at its --functions-uri: the
// settings are validated before the worker would connect. (Without those arguments the worker stops
// earlier, on its missing HostEndpoint.)
public sealed class StartupValidationTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Theory]
    [InlineData("App__PublicBaseUrl", "", "PublicBaseUrl")]
    [InlineData("App__PublicBaseUrl", "/relative", "App__PublicBaseUrl")]
    [InlineData("Admin__ApiKey", "short", "ApiKey")]
    [InlineData("Email__FromAddress", "", "FromAddress")]
    [InlineData("SendGrid__ApiKey", "", "ApiKey")]
    [InlineData("Registrations__SigningKey", "short", "SigningKey")]
    [InlineData("Forfaits__SigningKey", "", "SigningKey")]
    [InlineData("Forfaits__RemindersStartDate", "", "RemindersStartDate")]
    [InlineData("AzureWebJobsStorage", "", "AzureWebJobsStorage")]
    // A Key Vault reference the platform could not resolve reaches the app as its text (long enough for MinLength).
    [InlineData("Admin__ApiKey", "@Microsoft.KeyVault(SecretUri=https://kv-cnrms.vault.azure.net/secrets/admin-api-key)", "Admin__ApiKey")]
    [InlineData("SendGrid__WebhookPublicKey", "@Microsoft.KeyVault(SecretUri=https://kv-cnrms.vault.azure.net/secrets/sendgrid-webhook-public-key)", "SendGrid__WebhookPublicKey")]
    public async Task AMissingOrInvalidSettingStopsTheStartNamingIt(string key, string value, string named)
    {
        var settings = new Dictionary<string, string>
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["FUNCTIONS_APPLICATION_DIRECTORY"] = FunctionsOutput.Directory,
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["App__PublicBaseUrl"] = "https://evenements.example.org",
            ["Admin__ApiKey"] = "test-staff-key-0123456789",
            ["SendGrid__ApiKey"] = "SG.test",
            ["Email__FromAddress"] = "no-reply@example.org",
            ["Registrations__SigningKey"] = PlatformServices.SigningKey,
            ["Forfaits__SigningKey"] = PlatformServices.ForfaitsSigningKey,
            ["Forfaits__RemindersStartDate"] = "2020-01-01",
            ["Newsletter__SigningKey"] = PlatformServices.NewsletterSigningKey,
            ["Newsletter__AddressHashKey"] = PlatformServices.NewsletterAddressHashKey,
            ["Newsletter__StaffAlertAddress"] = "equipe@example.org",
            ["Newsletter__PostalAddress"] = "1 rue de l'Exemple, 67000 Strasbourg",
        };
        settings[key] = value;
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = FunctionsOutput.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var noHost = $"http://127.0.0.1:{FreePort.Next()}/";
        foreach (var arg in new[]
        {
            Path.Combine(FunctionsOutput.Directory, "Microstructures.Functions.dll"),
            "--functions-uri", noHost, "--functions-worker-id", Guid.NewGuid().ToString(),
            "--functions-request-id", Guid.NewGuid().ToString(), "--functions-grpc-max-message-length", "2147483647",
        })
        {
            psi.ArgumentList.Add(arg);
        }
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
            Assert.Fail($"The worker kept running with {key}='{value}': it should refuse to start.");
        }

        Assert.NotEqual(0, process.ExitCode);
        var text = await output + await error;
        Assert.Contains(named, text, StringComparison.Ordinal);
        Assert.DoesNotContain("HostEndpoint", text, StringComparison.Ordinal);
    }
}
