namespace Microstructures.Functions.Newsletter;

// The urlencoded or multipart body of the newsletter pages' forms. A body that is not a form, or a
// malformed one, is the caller's mistake (400/415), never a 500.
public static class NewsletterForm
{
    public const int MaxBytes = 16 * 1024;

    public static async Task<IFormCollection> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasFormContentType)
        {
            throw new BadHttpRequestException("Le formulaire doit être envoyé en application/x-www-form-urlencoded ou multipart/form-data.", StatusCodes.Status415UnsupportedMediaType);
        }
        if (request.ContentLength > MaxBytes)
        {
            throw new BadHttpRequestException("Le formulaire est trop volumineux.", StatusCodes.Status413PayloadTooLarge);
        }
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw new BadHttpRequestException("Le formulaire est mal formé.", StatusCodes.Status400BadRequest, ex);
        }
    }

    // The one-click POST (RFC 8058) carries "List-Unsubscribe=One-Click"; the page's button "via=page".
    // The token in the address is what unsubscribes: a body that cannot be read is taken as one-click.
    public static async Task<bool> IsPageButtonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasFormContentType || request.ContentLength > MaxBytes)
        {
            return false;
        }
        try
        {
            return (await request.ReadFormAsync(cancellationToken)).TryGetValue("via", out var via) && via == "page";
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            return false;
        }
    }
}
