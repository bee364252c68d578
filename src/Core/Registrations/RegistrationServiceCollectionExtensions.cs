using Microsoft.Extensions.DependencyInjection;

namespace Microstructures.Core.Registrations;

public static class RegistrationServiceCollectionExtensions
{
    public static IServiceCollection AddRegistrations(this IServiceCollection services)
    {
        services.AddOptions<RegistrationOptions>().BindConfiguration(RegistrationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PublicSiteOptions>().BindConfiguration(PublicSiteOptions.SectionName);
        services.AddSingleton<RegistrationStore>();
        services.AddSingleton<RegistrationTokens>();
        services.AddSingleton<RegistrationEmails>();
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<RegistrationEmailRelay>();
        services.AddSingleton<RegistrationRateLimiter>();
        services.AddSingleton<RegistrationReports>();
        services.AddSingleton<AttendeeReminders>();
        services.AddSingleton<CheckinService>();
        services.AddSingleton<RegistrationPurge>();
        services.AddSingleton<OrganiserMessages>();
        return services;
    }
}
