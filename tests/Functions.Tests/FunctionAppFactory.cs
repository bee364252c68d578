using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests;

// The function app in-process against a real Azurite, with the settings local.settings.json gives.
// Time is a FakeTimeProvider so tests can move the clock.
public sealed class FunctionAppFactory(Azurite azurite, IDictionary<string, string?>? overrides = null) : WebApplicationFactory<Program>
{
    public const string StaffKey = "test-staff-key-0123456789";

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    // A storage account of this factory's own (tests sharing one Azurite never see each other's data),
    // unless the overrides name one: SecondInstance() shares it, as two app instances in Azure would.
    public string Storage { get; } = overrides?.TryGetValue("AzureWebJobsStorage", out var storage) == true && storage is not null
        ? storage
        : azurite.IsolatedConnectionString();

    private readonly Azurite _azurite = azurite;

    // Another instance of the app on the same storage: nothing shared but the storage account.
    public FunctionAppFactory SecondInstance() => new(_azurite, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Storage });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Storage,
            ["App:PublicBaseUrl"] = "https://evenements.example.org",
            ["Admin:ApiKey"] = StaffKey,
            ["SendGrid:ApiKey"] = "SG.test",
            ["SendGrid:Host"] = "http://127.0.0.1:9",
            ["Email:FromAddress"] = "no-reply@example.org",
            ["Email:FromName"] = "CNRMS",
            ["Registrations:SigningKey"] = "test-registrations-signing-key-0123456789abcdef",
            // No queue trigger runs here: tests relay the first e-mails themselves (RegistrationTestKit).
            ["Registrations:EmailRelayDelay"] = "00:00:00",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    public HttpClient CreateStaffClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", StaffKey);
        return client;
    }
}
