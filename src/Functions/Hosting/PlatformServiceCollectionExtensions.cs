using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microstructures.Core.Email;
using Microstructures.Core.Forfaits;
using Microstructures.Core.Health;
using Microstructures.Core.Indicators;
using Microstructures.Core.Newsletter;
using Microstructures.Core.Queues;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Registrations;
using Microstructures.Core.Storage;
using Microstructures.Core.Submissions;
using Microstructures.Functions.Newsletter;
using Microstructures.Functions.ReferenceData;

namespace Microstructures.Functions.Hosting;

public static class PlatformServiceCollectionExtensions
{
    // The app's own services, as Program.cs registers them for the worker and as tests build them on
    // Azurite (replacing TimeProvider, or an Azure client to inject a fault). Settings are validated at
    // start: a missing one stops the app with its name.
    public static IServiceCollection AddPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        UnresolvedKeyVaultReferences.ThrowIfAny(configuration);
        // Built here so a function without its access marker stops the app at start, naming it.
        services.AddSingleton(FunctionCatalog.Load(typeof(PlatformServiceCollectionExtensions).Assembly));
        services.TryAddSingleton(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddPlatformStorage();
        services.AddSingleton<HealthCheck>();
        services.AddEmail();
        services.AddReferenceData();
        services.AddOptions<ReferenceDataOptions>().BindConfiguration(ReferenceDataOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<SampleOrgTreeSeeder>();
        services.AddRegistrations();
        services.AddForfaits();
        services.AddNewsletter();
        services.AddOptions<ArchiveEmbedOptions>().BindConfiguration(ArchiveEmbedOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSubmissions();
        services.AddIndicators();
        services.AddQueueFailures();
        services.AddSingleton<Microstructures.Functions.Indicators.DashboardBuilder>();
        services.AddPlatformTelemetry(configuration);
        return services;
    }
}
