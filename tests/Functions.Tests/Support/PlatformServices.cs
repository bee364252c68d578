using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microstructures.Functions.Hosting;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests;

// The app's own services (AddPlatform, as Program.cs registers them for the worker) against a real
// Azurite, with a FakeTimeProvider so tests can move the clock, and a hook to replace an Azure client
// at the I/O edge to inject a fault. No worker, no HTTP: Core and the function bodies, called directly.
public sealed class PlatformServices : IAsyncDisposable
{
    public const string StaffKey = "test-staff-key-0123456789";
    public const string SigningKey = "test-registrations-signing-key-0123456789abcdef";
    public const string ForfaitsSigningKey = "test-forfaits-signing-key-0123456789abcdef";
    public const string NewsletterSigningKey = "test-newsletter-signing-key-0123456789abcdef";
    public const string NewsletterAddressHashKey = "test-newsletter-address-hash-key-0123456789abcdef";

    private readonly ServiceProvider _provider;

    public PlatformServices(string storage, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? replace = null)
    {
        Storage = storage;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(storage, overrides)).Build();
        var services = new ServiceCollection().AddPlatform(configuration);
        services.AddSingleton<TimeProvider>(Time);
        replace?.Invoke(services);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    // The factory's clock starts 2026-11-25 09:00 UTC.
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    public string Storage { get; }

    public IServiceProvider Services => _provider;

    // A storage account of its own (tests sharing one Azurite never see each other's data).
    public static PlatformServices Create(Azurite azurite, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? replace = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        return new PlatformServices(azurite.IsolatedConnectionString(), overrides, replace);
    }

    // Another instance of the app on the same storage: nothing shared but the storage account.
    public PlatformServices SecondInstance(Action<IServiceCollection>? replace = null) => new(Storage, null, replace);

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    // A function class, made the way the worker makes it for an invocation (constructor injection).
    public T Function<T>()
        where T : class => ActivatorUtilities.CreateInstance<T>(_provider);

    // What the worker's host does at start: option validation, then the hosted services (the sample tree seeder).
    public async Task StartHostedServicesAsync(CancellationToken cancellationToken = default)
    {
        foreach (var service in _provider.GetServices<IHostedService>())
        {
            await service.StartAsync(cancellationToken);
        }
    }

    public static Dictionary<string, string?> Settings(string storage, IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage,
            ["App:PublicBaseUrl"] = "https://evenements.example.org",
            ["Admin:ApiKey"] = StaffKey,
            ["SendGrid:ApiKey"] = "SG.test",
            ["SendGrid:Host"] = "http://127.0.0.1:9",
            ["Email:FromAddress"] = "no-reply@example.org",
            ["Email:FromName"] = "CNRMS",
            ["Registrations:SigningKey"] = SigningKey,
            ["Newsletter:SigningKey"] = NewsletterSigningKey,
            ["Newsletter:AddressHashKey"] = NewsletterAddressHashKey,
            ["Newsletter:StaffAlertAddress"] = "equipe@example.org",
            ["Newsletter:PostalAddress"] = "1 rue de l'Exemple, 67000 Strasbourg",
            // No queue trigger runs here: tests relay the first e-mails themselves (RegistrationTestKit).
            ["Registrations:EmailRelayDelay"] = "00:00:00",
            ["Forfaits:SigningKey"] = ForfaitsSigningKey,
            ["Forfaits:RemindersStartDate"] = "2020-01-01",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _provider.GetServices<IHostedService>())
        {
            await service.StopAsync(CancellationToken.None);
        }
        await _provider.DisposeAsync();
    }
}
