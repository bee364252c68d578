using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Common;
using Microsoft.Extensions.Options;
using SendGrid;

namespace Microstructures.Core.Email;

public static class EmailServiceCollectionExtensions
{
    public static IServiceCollection AddEmail(this IServiceCollection services)
    {
        services.AddPlatformMetrics();
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SendGridOptions>().BindConfiguration(SendGridOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(nameof(SendGridClient));
        services.AddSingleton<ISendGridClient>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SendGridOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(SendGridClient));
            var clientOptions = new SendGridClientOptions { ApiKey = options.ApiKey };
            if (!string.IsNullOrWhiteSpace(options.Host))
            {
                clientOptions.Host = options.Host;
            }
            return new SendGridClient(http, clientOptions);
        });
        services.AddSingleton<IEmailSender, SendGridEmailSender>();
        services.AddSingleton<EmailStore>();
        services.AddSingleton<EmailOutbox>();
        services.AddSingleton<EmailDispatcher>();
        services.AddSingleton<PendingEmailSweeper>();
        services.AddSingleton<EmailEventReconciler>();
        return services;
    }
}
