namespace Microstructures.Core.Newsletter;

public sealed record ComposedIssue(string Subject, string Title, string Html, string Text, RenderedBody Body);

// An issue in the layout of the newsletter e-mails: to a subscriber (with an unsubscribe link: a real
// one, the per-recipient placeholder of a campaign, or a sample for the preview) or as the public web
// version (no unsubscribe link: the archive is the same for everyone).
public sealed class IssueComposer(IssueRenderer renderer, NewsletterEmails emails, NewsletterLinks links)
{
    public static string Title(NewsletterMonth month) => $"Lettre d'information de la CNRMS — {month.Label}";

    public ComposedIssue ForEmail(NewsletterMonth month, string subject, string markdown, string unsubscribeUrl)
    {
        var body = renderer.Render(markdown);
        var footer = emails.SubscriberFooter(unsubscribeUrl, links.Archive(month).ToString());
        var title = Title(month);
        return new ComposedIssue(subject, title, NewsletterTemplate.Html(title, subject, body.Html, footer), NewsletterTemplate.Text(title, body.Text, footer), body);
    }

    public ComposedIssue ForWeb(NewsletterMonth month, string subject, string markdown)
    {
        var body = renderer.Render(markdown);
        var footer = emails.SubscriberFooter(null, null) with { Why = "Lettre d'information mensuelle de la CNRMS, pour les réseaux de microstructures et leurs professionnels." };
        var title = Title(month);
        return new ComposedIssue(subject, title, NewsletterTemplate.Html(title, subject, body.Html, footer), NewsletterTemplate.Text(title, body.Text, footer), body);
    }
}
