using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Common;

namespace Microstructures.Core.Indicators;

public static class IndicatorServiceCollectionExtensions
{
    // Facts, their computation (the ComputeIndicators queue function), the read API and the rebuild.
    // Needs AddPlatformStorage, AddReferenceData, AddSubmissions and a TimeProvider.
    public static IServiceCollection AddIndicators(this IServiceCollection services)
    {
        services.AddPlatformMetrics();
        services.AddOptions<IndicatorOptions>().BindConfiguration(IndicatorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FactsStore>();
        services.AddSingleton<IndicatorService>();
        services.AddSingleton<IndicatorRebuild>();
        services.AddSingleton<RebuildJobStore>();
        services.AddSingleton<IndicatorRebuildJobs>();
        services.AddSingleton<IndicatorComputation>();
        return services;
    }
}
