using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microstructures.Core.Email;
using Microstructures.Core.Registrations;

namespace Microstructures.Core.Newsletter;

public static class NewsletterServiceCollectionExtensions
{
    // The newsletter. Needs AddPlatformStorage and AddEmail, and a TimeProvider.
    public static IServiceCollection AddNewsletter(this IServiceCollection services)
    {
        services.AddOptions<NewsletterOptions>().BindConfiguration(NewsletterOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PublicSiteOptions>().BindConfiguration(PublicSiteOptions.SectionName);
        services.AddSingleton<SubscriberIds>();
        services.AddSingleton<NewsletterTokens>();
        services.AddSingleton<NewsletterLinks>();
        services.AddSingleton<NewsletterEmails>();
        services.AddSingleton<SubscriberStore>();
        services.AddSingleton<SuppressionStore>();
        services.AddSingleton<SubscriptionService>();
        services.AddSingleton<SubscriptionRateLimiter>();
        services.AddSingleton<Unsubscriptions>();
        services.AddSingleton<SubscriberRetention>();
        services.AddSingleton<SubscriberAdministration>();
        services.AddSingleton<SubscriberImport>();
        services.AddSingleton<IssueStore>();
        services.AddSingleton<IssueRenderer>();
        services.AddSingleton<IssueComposer>();
        services.AddSingleton<NewsletterImages>();
        services.AddSingleton<IssueService>();
        services.AddSingleton<IssueArchive>();
        services.AddSingleton<CampaignStore>();
        services.AddSingleton<CampaignPlanner>();
        services.AddSingleton<CampaignMonitor>();
        services.AddSingleton<MonthlyNewsletterRun>();
        services.AddSingleton<NewsletterThrottle>();
        services.AddSingleton<NewsletterBatchSender>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderEventHandler, NewsletterEventHandler>());
        return services;
    }
}
