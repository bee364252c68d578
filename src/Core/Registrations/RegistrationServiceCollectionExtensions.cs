using Microsoft.Extensions.DependencyInjection;

namespace Microstructures.Core.Registrations;

public static class RegistrationServiceCollectionExtensions
{
    public static IServiceCollection AddRegistrations(this IServiceCollection services)
    {
        services.AddOptions<RegistrationOptions>().BindConfiguration(RegistrationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PublicSiteOptions>().BindConfiguration(PublicSiteOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RegistrationStore>();
        services.AddSingleton<RegistrationTokens>();
        services.AddSingleton<RegistrationLinks>();
        services.AddSingleton<RegistrationEmails>();
        services.AddSingleton<EventLocks>();
        services.AddSingleton<EventCatalogue>();
        services.AddSingleton<RegistrationCommitter>();
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<RegistrationViews>();
        services.AddSingleton<WaitlistPromotion>();
        services.AddSingleton<RegistrationCancellation>();
        services.AddSingleton<CancellationUndo>();
        services.AddSingleton<EventChangeNotices>();
        services.AddSingleton<EventCancellation>();
        services.AddSingleton<StaffRegistrationEdits>();
        services.AddSingleton<AttendanceCertificates>();
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
