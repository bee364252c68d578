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
    public static IServiceCollection AddPlatformStorage(this IServiceCollection services)
    {
        // Resolved lazily from the final configuration (test hosts add settings after Program.cs runs).
        services.AddSingleton(sp => Create(sp.GetRequiredService<IConfiguration>(),
            cs => new BlobServiceClient(cs, Configure(new BlobClientOptions())),
            (uri, credential) => new BlobServiceClient(uri, credential, Configure(new BlobClientOptions())), "blobServiceUri"));
        services.AddSingleton(sp => Create(sp.GetRequiredService<IConfiguration>(),
            cs => new TableServiceClient(cs, Configure(new TableClientOptions())),
            (uri, credential) => new TableServiceClient(uri, credential, Configure(new TableClientOptions())), "tableServiceUri"));
        services.AddSingleton(sp => Create(sp.GetRequiredService<IConfiguration>(),
            cs => new QueueServiceClient(cs, Configure(QueueOptions())),
            (uri, credential) => new QueueServiceClient(uri, credential, Configure(QueueOptions())), "queueServiceUri"));
        services.AddSingleton(sp => new RawQueues(Create(sp.GetRequiredService<IConfiguration>(),
            cs => new QueueServiceClient(cs, Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None })),
            (uri, credential) => new QueueServiceClient(uri, credential, Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None })), "queueServiceUri")));
        services.AddSingleton<StorageInitializer>();
        return services;
    }

    private static T Create<T>(IConfiguration configuration, Func<string, T> fromConnectionString, Func<Uri, TokenCredential, T> fromIdentity, string uriKey)
    {
        if (configuration[ConnectionSetting] is { Length: > 0 } connectionString)
        {
            return fromConnectionString(connectionString);
        }
        var section = configuration.GetSection(ConnectionSetting);
        var credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(Required(section, "clientId")));
        return fromIdentity(new Uri(Required(section, uriKey)), credential);
    }

    // The Functions host reads and writes queue messages as Base64 by default: ours must match.
    // (RawQueues is the exception: it moves messages as stored, text for text.)
    public static QueueClientOptions QueueOptions() => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    // Bounded retries: a request whose storage is down is answered 503 within a couple of seconds
    // instead of after a dozen (the SDK's defaults wait 0.8, 1.6, 3.2 s between its tries, per call).
    // Queue and timer functions lose nothing by it: the host retries them.
    private static T Configure<T>(T options)
        where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    private static string Required(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Storage is not configured: set '{ConnectionSetting}' (a connection string) or '{ConnectionSetting}__{key}'.");
}

// The account's queues without any message encoding: a message's stored text is read and written as is,
// so moving one (a poison message replayed) keeps it byte for byte, Base64 or not.
public sealed class RawQueues(QueueServiceClient client)
{
    public QueueServiceClient Client { get; } = client;
}
