using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microstructures.TestSupport;

namespace Microstructures.EndToEnd;

// (Typed on AppOptions, not Program: the DevHost has a Program too; the factory runs the assembly's entry point.)
// The function app on a real loopback socket (for a browser), against a real Azurite. Tests that
// must go through the Functions host's forwarding rules use DevHostApp instead.
public sealed class KestrelApp : WebApplicationFactory<Microstructures.Functions.Hosting.AppOptions>
{
    public const string StaffKey = "e2e-staff-key-0123456789";

    private readonly Azurite _azurite;
    private readonly Dictionary<string, string?> _overrides;

    public KestrelApp(Azurite azurite, IDictionary<string, string?>? overrides = null)
    {
        _azurite = azurite;
        _overrides = new Dictionary<string, string?>(overrides ?? new Dictionary<string, string?>());
        Port = FreePort.Next();
        UseKestrel(Port);
    }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = _azurite.IsolatedConnectionString(),
            ["App:PublicBaseUrl"] = BaseUrl.ToString(),
            ["Admin:ApiKey"] = StaffKey,
            ["SendGrid:ApiKey"] = "SG.test",
            ["SendGrid:Host"] = "http://127.0.0.1:9",
            ["Email:FromAddress"] = "no-reply@example.org",
            ["Email:FromName"] = "CNRMS",
            ["Registrations:SigningKey"] = "e2e-registrations-signing-key-0123456789abcdef",
        };
        foreach (var (key, value) in _overrides)
        {
            settings[key] = value;
        }
        builder.UseEnvironment("Testing");
        builder.UseSetting("urls", BaseUrl.ToString().TrimEnd('/'));
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
    }
}
