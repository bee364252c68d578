using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Microstructures.DevHost.Invocations;

namespace Microstructures.DevHost.Timers;

// The host's ScheduleMonitor: {Last, Next, LastUpdated} per timer, in azure-webjobs-hosts.
internal sealed class TimerStatusStore(BlobServiceClient blobs, string hostId)
{
    public const string ContainerName = "azure-webjobs-hosts";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);

    public static string BlobName(string hostId, string functionName) => $"timers/{hostId}/Host.Functions.{functionName}/status";

    public async Task<TimerStatus?> ReadAsync(string functionName, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _container.GetBlobClient(BlobName(hostId, functionName)).DownloadContentAsync(cancellationToken);
            var json = JsonNode.Parse(content.Value.Content.ToString()) as JsonObject;
            return json is null
                ? null
                : new TimerStatus(
                    ParseDate(json["Last"]), ParseDate(json["Next"]), ParseDate(json["LastUpdated"]));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            // A corrupt status is treated like a missing one, as the host does.
            return null;
        }
    }

    public async Task WriteAsync(string functionName, TimerStatus status, CancellationToken cancellationToken)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var json = new JsonObject
        {
            ["Last"] = status.Last.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
            ["Next"] = status.Next.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
            ["LastUpdated"] = status.LastUpdated.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
        };
        await _container.GetBlobClient(BlobName(hostId, functionName))
            .UploadAsync(BinaryData.FromString(json.ToJsonString()), overwrite: true, cancellationToken);
    }

    private static DateTimeOffset ParseDate(JsonNode? node) =>
        DateTimeOffset.Parse(node?.GetValue<string>() ?? throw new FormatException("missing date"),
            System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
}
