using Microstructures.Core.Common;

namespace Microstructures.Core.Newsletter;

public sealed record ArchivedIssueSummary(NewsletterMonth Month, string Subject, DateTimeOffset? SentAt, Uri Url);

// BodyHtml: the issue's body (rendered from Markdown, no raw HTML, no style attribute: the page's
// Content-Security-Policy refuses them) for a page template to embed;
// Html: the whole web version in the e-mail layout, without any unsubscribe link or token.
public sealed record ArchivedIssue(NewsletterMonth Month, string Title, string Subject, DateTimeOffset? SentAt, string BodyHtml, string Html, string Text);

// The public archive: every issue whose campaign started, newest first, each at a stable address
// (/api/newsletter/archive/{yyyy-MM}). Drafts and ready issues are not public.
public sealed class IssueArchive(IssueStore store, IssueComposer composer, IssueRenderer renderer, NewsletterLinks links)
{
    public async Task<IReadOnlyList<ArchivedIssueSummary>> ListAsync(CancellationToken cancellationToken = default) =>
        (await store.ListAsync(cancellationToken))
            .Where(i => i.StatusValue() is IssueStatus.Sending or IssueStatus.Sent)
            .OrderByDescending(i => i.RowKey, StringComparer.Ordinal)
            .Select(i => new ArchivedIssueSummary(NewsletterMonth.Parse(i.RowKey), i.Subject, i.SendingAt, links.Archive(NewsletterMonth.Parse(i.RowKey))))
            .ToList();

    public async Task<Result<ArchivedIssue>> GetAsync(string? month, CancellationToken cancellationToken = default)
    {
        const string Missing = "Ce numéro n'existe pas ou n'a pas encore été publié.";
        if (!NewsletterMonth.TryParse(month, out var m) || await store.GetAsync(m, cancellationToken) is not { } entity
            || entity.StatusValue() is not (IssueStatus.Sending or IssueStatus.Sent))
        {
            return Result<ArchivedIssue>.NotFound(Missing);
        }
        var markdown = await store.ReadBodyAsync(entity, cancellationToken);
        var web = composer.ForWeb(m, entity.Subject, markdown);
        return Result<ArchivedIssue>.Success(new ArchivedIssue(m, web.Title, entity.Subject, entity.SendingAt, renderer.Render(markdown, inlineStyles: false).Html, web.Html, web.Text));
    }
}
