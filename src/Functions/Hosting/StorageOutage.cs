using Azure;

namespace Microstructures.Functions.Hosting;

// Storage that does not answer (refused connection, timeout, 5xx, throttling) after the SDK's bounded
// retries (StorageServiceCollectionExtensions): the caller is told to come back (503 with Retry-After),
// not that the platform is broken. A storage answer that says the request was wrong (400, 404, 409,
// 412 unhandled) is a bug and stays a 500.
public static class StorageOutage
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    public static bool Explains(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        // The SDK gives up after its retries with every attempt's failure.
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(Explains),
        TimeoutException or HttpRequestException or IOException => true,
        // The SDK's network timeout (the caller's own cancellation is handled before).
        OperationCanceledException => true,
        _ => false,
    };
}
