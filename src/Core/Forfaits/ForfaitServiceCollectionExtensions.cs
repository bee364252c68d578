using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Registrations;

namespace Microstructures.Core.Forfaits;

public static class ForfaitServiceCollectionExtensions
{
    // Forfaits and their reminders. Needs AddPlatformStorage, AddEmail and AddReferenceData, and a TimeProvider.
    public static IServiceCollection AddForfaits(this IServiceCollection services)
    {
        services.AddOptions<ForfaitOptions>().BindConfiguration(ForfaitOptions.SectionName)
            .PostConfigure(o => o.ApplyDefaults())
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PublicSiteOptions>().BindConfiguration(PublicSiteOptions.SectionName);
        services.AddSingleton<ForfaitStore>();
        services.AddSingleton<ReminderStore>();
        services.AddSingleton<ForfaitTokens>();
        services.AddSingleton<ForfaitEmails>();
        services.AddSingleton<ForfaitAccess>();
        services.AddSingleton<ForfaitInclusions>();
        services.AddSingleton<ForfaitService>();
        services.AddSingleton<ReminderWork>();
        services.AddSingleton<ForfaitReminderRun>();
        services.AddSingleton<ForfaitReminderPreview>();
        services.AddSingleton<ForfaitDigests>();
        services.AddSingleton<ForfaitImport>();
        services.AddSingleton<ForfaitFigures>();
        return services;
    }
}
