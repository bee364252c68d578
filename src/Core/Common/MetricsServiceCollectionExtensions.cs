using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microstructures.Core.Common;

public static class MetricsServiceCollectionExtensions
{
    // PlatformMetrics on the host's IMeterFactory (AddMetrics adds one where nothing did: tests, tools).
    // Called by every capability that records a metric; registering twice is harmless.
    public static IServiceCollection AddPlatformMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<PlatformMetrics>();
        return services;
    }
}
