using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microstructures.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    public const string ConnectionSetting = "AzureWebJobsStorage";

    // Same convention as the Functions host: a connection string locally (Azurite), or
    // identity-based settings in Azure (AzureWebJobsStorage__blobServiceUri, __queueServiceUri,
    // __tableServiceUri, __clientId for the user-assigned managed identity).
    public static IServiceCollection AddPlatformStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[ConnectionSetting];
        var section = configuration.GetSection(ConnectionSetting);
        var retry = new Action<ClientOptions>(o =>
        {
            o.Retry.MaxRetries = 3;
            o.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        });

        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            services.AddSingleton(_ => new BlobServiceClient(connectionString, Configure(new BlobClientOptions(), retry)));
            services.AddSingleton(_ => new TableServiceClient(connectionString, Configure(new TableClientOptions(), retry)));
            services.AddSingleton(_ => new QueueServiceClient(connectionString, Configure(QueueOptions(), retry)));
        }
        else
        {
            var blobUri = Required(section, "blobServiceUri");
            var queueUri = Required(section, "queueServiceUri");
            var tableUri = Required(section, "tableServiceUri");
            TokenCredential credential = new ManagedIdentityCredential(
                ManagedIdentityId.FromUserAssignedClientId(Required(section, "clientId")));
            services.AddSingleton(_ => new BlobServiceClient(new Uri(blobUri), credential, Configure(new BlobClientOptions(), retry)));
            services.AddSingleton(_ => new TableServiceClient(new Uri(tableUri), credential, Configure(new TableClientOptions(), retry)));
            services.AddSingleton(_ => new QueueServiceClient(new Uri(queueUri), credential, Configure(QueueOptions(), retry)));
        }
        services.AddSingleton<StorageInitializer>();
        return services;
    }

    // The Functions host reads and writes queue messages as Base64 by default: ours must match.
    public static QueueClientOptions QueueOptions() => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    private static T Configure<T>(T options, Action<ClientOptions> configure)
        where T : ClientOptions
    {
        configure(options);
        return options;
    }

    private static string Required(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Storage is not configured: set '{ConnectionSetting}' (a connection string) or '{ConnectionSetting}__{key}'.");
}
