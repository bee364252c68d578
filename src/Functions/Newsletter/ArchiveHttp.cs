using Microsoft.Extensions.Options;
using Microstructures.Core.Newsletter;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Newsletter;

// The public archive: the list of issues sent, and each issue at its stable address. These two pages
// alone may be framed, by the association's site (Newsletter__ArchiveFrameAncestors).
public sealed class ArchiveHttp(IssueArchive archive, IOptions<ArchiveEmbedOptions> embed)
{
    [Function("NewsletterArchive")]
    [PublicAccess]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/newsletter/archive")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        SecurityHeadersMiddleware.AllowFraming(request.HttpContext, embed.Value.ArchiveFrameAncestors);
        return NewsletterPages.Archive(await archive.ListAsync(cancellationToken));
    }

    [Function("NewsletterArchiveIssue")]
    [PublicAccess]
    public async Task<IResult> IssueAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/newsletter/archive/{month}")] HttpRequest request,
        string month, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        SecurityHeadersMiddleware.AllowFraming(request.HttpContext, embed.Value.ArchiveFrameAncestors);
        return NewsletterPages.ArchivedIssue(await archive.GetAsync(month, cancellationToken));
    }
}
