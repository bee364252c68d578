using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Newsletter;

// Markdown: what the staff paste into the body.
public sealed record NewsletterImage(string Id, string ContentType, long Size, Uri Url, string Markdown);

public sealed record ImageContent(BinaryData Content, string ContentType);

// Images of the issues, stored in the private container "newsletter-images" (no anonymous blob access)
// and served by the platform at /api/newsletter/images/{id}. Content-addressed: the id is 32 hex of the
// SHA-256 of the bytes and the extension, so an image never changes under its address (served with a
// long cache) and uploading it twice stores it once. Only PNG, JPEG and GIF, recognised by their bytes
// (the declared type must agree): no SVG (it can carry scripts), nothing mail clients cannot show.
public sealed class NewsletterImages(StorageInitializer storage, NewsletterLinks links, IOptions<NewsletterOptions> options)
{
    public const string ContainerName = "newsletter-images";

    private static readonly Dictionary<string, string> Extensions = new(StringComparer.Ordinal)
    {
        ["image/png"] = "png",
        ["image/jpeg"] = "jpg",
        ["image/gif"] = "gif",
    };

    public async Task<Result<NewsletterImage>> UploadAsync(byte[] content, string? contentType, string? description = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var declared = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        var errors = new ValidationErrors();
        if (content.Length == 0)
        {
            errors.Add("file", "Le fichier est vide.");
        }
        else if (content.Length > options.Value.MaxImageBytes)
        {
            errors.Add("file", $"L'image dépasse {options.Value.MaxImageBytes / 1024} Ko : réduisez-la (une largeur de 1 200 pixels suffit pour un e-mail).");
        }
        else if (declared is null || !Extensions.ContainsKey(declared))
        {
            errors.Add("file", "Seules les images PNG, JPEG et GIF sont acceptées.");
        }
        else if (Detect(content) != declared)
        {
            errors.Add("file", "Le contenu du fichier ne correspond pas à son type : envoyez une image PNG, JPEG ou GIF.");
        }
        if (!errors.IsEmpty)
        {
            return errors;
        }
        var id = $"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}.{Extensions[declared!]}";
        var container = await storage.ContainerAsync(ContainerName, cancellationToken);
        var blob = container.GetBlobClient(id);
        try
        {
            await blob.UploadAsync(new BinaryData(content), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = declared },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // The same bytes were uploaded before: same id, same image.
        }
        var url = links.Image(id);
        var alt = string.IsNullOrWhiteSpace(description) ? "Image" : description.Trim().Replace("]", ")", StringComparison.Ordinal).Replace("[", "(", StringComparison.Ordinal);
        return Result<NewsletterImage>.Success(new NewsletterImage(id, declared!, content.Length, url, $"![{alt}]({NewsletterLinks.ImagesPath}/{id})"));
    }

    public async Task<ImageContent?> GetAsync(string? id, CancellationToken cancellationToken = default)
    {
        if (!IsValidId(id))
        {
            return null;
        }
        var container = await storage.ContainerAsync(ContainerName, cancellationToken);
        try
        {
            var response = await container.GetBlobClient(id).DownloadContentAsync(cancellationToken);
            return new ImageContent(response.Value.Content, response.Value.Details.ContentType);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> ExistsAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!IsValidId(id))
        {
            return false;
        }
        var container = await storage.ContainerAsync(ContainerName, cancellationToken);
        return (await container.GetBlobClient(id).ExistsAsync(cancellationToken)).Value;
    }

    public static bool IsValidId(string? id) =>
        id is { Length: 36 } && id[32] == '.' && id[..32].All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f') && id[33..] is "png" or "jpg" or "gif";

    private static string? Detect(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x47, 0x49, 0x46, 0x38, 0x37 or 0x39, 0x61, ..] => "image/gif",
        _ => null,
    };
}
