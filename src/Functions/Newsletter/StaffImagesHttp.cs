using Microsoft.Extensions.Options;
using Microstructures.Core.Newsletter;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Newsletter;

// An image for an issue: the file is the raw body with its Content-Type, ?description= its text
// alternative; the answer gives the Markdown to paste into the issue.
public sealed class StaffImagesHttp(NewsletterImages images, IOptions<NewsletterOptions> options)
{
    [Function("UploadNewsletterImage")]
    [StaffAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/newsletter/images")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var content = await StaffUploads.ReadAtMostAsync(request, options.Value.MaxImageBytes, cancellationToken);
        return content is null
            ? StaffUploads.TooLarge($"L'image dépasse {options.Value.MaxImageBytes / 1024} Ko : réduisez-la (une largeur de 1 200 pixels suffit pour un e-mail).")
            : (await images.UploadAsync(content, request.ContentType, request.QueryValue("description"), cancellationToken)).ToHttp(i => TypedResults.Created(i.Url, i));
    }
}
