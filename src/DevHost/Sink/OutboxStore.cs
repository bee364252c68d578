using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;

namespace Microstructures.DevHost.Sink;

// Messages accepted by the sink, one JSON blob each in container `outbox`, named so listing is chronological.
internal sealed partial class OutboxStore(BlobServiceClient blobs)
{
    public const string ContainerName = "outbox";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);

    // Created once, not before every message (that call was a third of the sink's time per e-mail);
    // created again if someone deletes the container while the DevHost runs.
    private volatile bool _containerExists;

    public async Task SaveAsync(IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        if (!_containerExists)
        {
            await CreateContainerAsync(cancellationToken);
        }
        foreach (var message in messages)
        {
            var name = $"{message.ReceivedAt.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)}-{message.Id}.json";
            var blob = _container.GetBlobClient(name);
            var content = BinaryData.FromObjectAsJson(message, Json);
            try
            {
                await blob.UploadAsync(content, overwrite: true, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == "ContainerNotFound")
            {
                await CreateContainerAsync(cancellationToken);
                await blob.UploadAsync(content, overwrite: true, cancellationToken);
            }
        }
    }

    private async Task CreateContainerAsync(CancellationToken cancellationToken)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _containerExists = true;
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListAsync(string? to, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var result = new List<OutboxMessage>();
        try
        {
            await foreach (var item in _container.GetBlobsAsync(cancellationToken: cancellationToken))
            {
                var message = await ReadAsync(item.Name, cancellationToken);
                if (message is null
                    || (since is not null && message.ReceivedAt < since)
                    || (!string.IsNullOrEmpty(to) && !message.To.Any(a => string.Equals(a.Email, to, StringComparison.OrdinalIgnoreCase))))
                {
                    continue;
                }
                result.Add(message);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No message was ever sent: the container does not exist yet.
        }
        return result;
    }

    public async Task<OutboxMessage?> FindAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in _container.GetBlobsAsync(cancellationToken: cancellationToken))
            {
                if (item.Name.EndsWith("-" + id + ".json", StringComparison.Ordinal))
                {
                    return await ReadAsync(item.Name, cancellationToken);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
        return null;
    }

    private async Task<OutboxMessage?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var content = await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToObjectFromJson<OutboxMessage>(Json);
    }

    // Every href in the HTML, entity-decoded, so tests and scripts can follow an e-mail's links.
    public static IReadOnlyList<string> Links(string? html) => html is null
        ? []
        : HrefRegex().Matches(html)
            .Select(m => WebUtility.HtmlDecode(m.Groups["d"].Success ? m.Groups["d"].Value : m.Groups["s"].Success ? m.Groups["s"].Value : m.Groups["u"].Value))
            .ToList();

    public static object Summary(OutboxMessage m) => new
    {
        id = m.Id,
        receivedAt = m.ReceivedAt,
        from = m.From.Email,
        fromName = m.From.Name,
        replyTo = m.ReplyTo?.Email,
        to = m.To.Select(a => a.Email).ToList(),
        cc = m.Cc.Select(a => a.Email).ToList(),
        bcc = m.Bcc.Select(a => a.Email).ToList(),
        subject = m.Subject,
        headers = m.Headers,
        customArgs = m.CustomArgs,
        categories = m.Categories,
        links = Links(m.Html),
        attachments = m.Attachments.Select(a => new { filename = a.Filename, type = a.Type, size = Base64Size(a.Content) }).ToList(),
        html = m.Html,
        text = m.Text,
        sgMessageId = m.SgMessageId,
    };

    private static int Base64Size(string content)
    {
        var buffer = new byte[content.Length];
        return Convert.TryFromBase64String(content, buffer, out var written) ? written : 0;
    }

    [GeneratedRegex("""href\s*=\s*(?:"(?<d>[^"]*)"|'(?<s>[^']*)'|(?<u>[^\s>"']+))""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HrefRegex();
}
