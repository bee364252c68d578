using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs.Models;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Submissions;

// Raw submissions in blob container "submissions", content-addressed: "raw/<networkId>/<sha256>".
// A blob is written once (If-None-Match: *) and never changed: the same bytes sent again find it, and a
// replay reads exactly what was received. Large receipt error lists live beside them ("errors/…").
public sealed class RawSubmissionStore(StorageInitializer storage)
{
    public const string ContainerName = "submissions";

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static string RawBlobName(string networkId, string sha256) => $"raw/{networkId}/{sha256}";

    public static string ErrorsBlobName(string networkId, string receiptId) => $"errors/{networkId}/{receiptId}.json";

    public async Task SaveAsync(string blobName, byte[] content, string contentType, CancellationToken cancellationToken = default)
    {
        var container = await storage.ContainerAsync(ContainerName, cancellationToken);
        try
        {
            await container.GetBlobClient(blobName).UploadAsync(new BinaryData(content), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Already there: content-addressed, so it holds the same bytes.
        }
    }

    // A receipt's long error list: derived data, rewritten whole by a retried acceptance.
    public async Task ReplaceAsync(string blobName, byte[] content, CancellationToken cancellationToken = default)
    {
        var container = await storage.ContainerAsync(ContainerName, cancellationToken);
        await container.GetBlobClient(blobName).UploadAsync(new BinaryData(content), overwrite: true, cancellationToken);
    }

    public async Task<byte[]> ReadAsync(string blobName, CancellationToken cancellationToken = default)
    {
        var container = await storage.ContainerAsync(ContainerName, cancellationToken);
        var response = await container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
        return response.Value.Content.ToArray();
    }
}
