using Microstructures.Core.Newsletter;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Newsletter;

// The issues' images, from the private container (no anonymous blob access). An id is the hash of the
// bytes: an image never changes under its address, so mail clients and browsers may keep it for a year.
public sealed class NewsletterImagesHttp(NewsletterImages images)
{
    [Function("NewsletterImage")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/newsletter/images/{id}")] HttpRequest request,
        string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await images.GetAsync(id, cancellationToken) is not { } image)
        {
            return TypedResults.Problem(title: "Introuvable", detail: "Cette image n'existe pas.", statusCode: StatusCodes.Status404NotFound);
        }
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.Bytes(image.Content.ToArray(), image.ContentType);
    }
}
