using Microsoft.Extensions.DependencyInjection;

namespace Microstructures.Core.Queues;

public static class QueueServiceCollectionExtensions
{
    // The failure log of queue functions and the poison-queue listing and replay. Needs AddPlatformStorage.
    public static IServiceCollection AddQueueFailures(this IServiceCollection services)
    {
        services.AddSingleton<QueueFailureStore>();
        services.AddSingleton<PoisonQueueService>();
        return services;
    }
}
