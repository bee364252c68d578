using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Microstructures.Core.Newsletter;

// An issue's body rendered for e-mail: HTML with inline styles and its plain-text twin. Problems
// lists what keeps the issue from being marked ready (refused links and images), in French.
public sealed record RenderedBody(string Html, string Text, IReadOnlyList<string> ImageIds, IReadOnlyList<string> Problems);

// Markdown (Markdig) made safe for e-mail and the public archive:
// - raw HTML in the Markdown is never passed through (DisableHtml: it shows as text);
// - links only to http(s), mailto or a platform path; anything else (javascript:, data:, relative
//   files) loses its link and keeps its text;
// - images only from the platform's own image store (/api/newsletter/images/{id}): no tracking pixel
//   or third-party image; any other image is replaced by its description;
// - platform paths become absolute (App__PublicBaseUrl) since a mail client has no base address.
public sealed class IssueRenderer(NewsletterLinks links)
{
    // Replaced per recipient by the provider (SendGrid substitution): never taken from the Markdown.
    public const string UnsubscribePlaceholder = "%%unsubscribe_url%%";

    private const string LinkStyle = "color:#1d5fa8;text-decoration:underline;";

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseAutoLinks()
        .Build();

    // inlineStyles false: for the platform's own pages, whose Content-Security-Policy refuses style
    // attributes (the site's stylesheet styles the body there).
    public RenderedBody Render(string? markdown, bool inlineStyles = true)
    {
        var source = (markdown ?? "").Replace(UnsubscribePlaceholder, "", StringComparison.Ordinal);
        var document = Markdown.Parse(source, Pipeline);
        var problems = new List<string>();
        var images = new List<string>();
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (link.IsImage)
            {
                CheckImage(link, images, problems, inlineStyles);
            }
            else if (Absolute(link.Url) is { } url)
            {
                link.Url = url;
            }
            else
            {
                problems.Add($"Le lien « {link.Url} » n'est pas accepté : seuls les liens http(s), mailto ou vers la plateforme le sont.");
                Unwrap(link);
            }
        }
        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            if (!autolink.IsEmail && Absolute(autolink.Url) is null)
            {
                problems.Add($"Le lien « {autolink.Url} » n'est pas accepté : seuls les liens http(s), mailto ou vers la plateforme le sont.");
                autolink.ReplaceBy(new LiteralInline(autolink.Url));
            }
        }
        if (inlineStyles)
        {
            Style(document);
        }
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return new RenderedBody(writer.ToString(), PlainText.Of(document), images.Distinct(StringComparer.Ordinal).ToList(), problems);
    }

    private void CheckImage(LinkInline image, List<string> images, List<string> problems, bool inlineStyles)
    {
        var id = ImageId(image.Url);
        if (id is null)
        {
            problems.Add($"L'image « {image.Url} » n'est pas acceptée : téléversez-la sur la plateforme et utilisez l'adresse donnée.");
            image.ReplaceBy(new LiteralInline(Description(image)));
            return;
        }
        images.Add(id);
        image.Url = links.Image(id).ToString();
        if (inlineStyles)
        {
            image.GetAttributes().AddProperty("style", "display:block;max-width:100%;height:auto;border:0;margin:0 0 16px;");
        }
    }

    // A platform image, relative or absolute: /api/newsletter/images/{id}.
    private string? ImageId(string? url)
    {
        var path = url ?? "";
        if (path.StartsWith(links.BaseUrl + "/", StringComparison.OrdinalIgnoreCase))
        {
            path = path[links.BaseUrl.Length..];
        }
        var prefix = NewsletterLinks.ImagesPath + "/";
        return path.StartsWith(prefix, StringComparison.Ordinal) && NewsletterImages.IsValidId(path[prefix.Length..]) ? path[prefix.Length..] : null;
    }

    private string? Absolute(string? url)
    {
        var value = (url ?? "").Trim();
        if (value.StartsWith('/') && !value.StartsWith("//", StringComparison.Ordinal))
        {
            return links.BaseUrl + value;
        }
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto" ? value : null;
    }

    private static string Description(LinkInline image)
    {
        var alt = PlainText.Inline(image).Trim();
        return alt.Length > 0 ? $"[{alt}]" : "";
    }

    private static void Unwrap(LinkInline link)
    {
        while (link.FirstChild is { } child)
        {
            child.Remove();
            link.InsertBefore(child);
        }
        link.Remove();
    }

    private static void Style(MarkdownDocument document)
    {
        foreach (var node in document.Descendants())
        {
            var style = node switch
            {
                HeadingBlock { Level: 1 } => "font-size:24px;line-height:1.3;margin:24px 0 12px;color:#1d3557;",
                HeadingBlock { Level: 2 } => "font-size:20px;line-height:1.3;margin:24px 0 12px;color:#1d3557;",
                HeadingBlock => "font-size:17px;line-height:1.3;margin:20px 0 8px;color:#1d3557;",
                ParagraphBlock { Parent: ListItemBlock } => "margin:0 0 6px;",
                ParagraphBlock => "margin:0 0 16px;",
                ListBlock => "margin:0 0 16px;padding-left:24px;",
                ListItemBlock => "margin:0 0 6px;",
                QuoteBlock => "margin:0 0 16px;padding:8px 16px;border-left:4px solid #c9d6e3;color:#3e4c59;",
                ThematicBreakBlock => "border:0;border-top:1px solid #d0d7de;margin:24px 0;",
                CodeBlock => "font-family:Consolas,Menlo,monospace;font-size:14px;background:#f2f4f7;padding:12px;white-space:pre-wrap;margin:0 0 16px;",
                Table => "border-collapse:collapse;width:100%;margin:0 0 16px;",
                TableCell => "border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top;",
                LinkInline { IsImage: false } or AutolinkInline => LinkStyle,
                CodeInline => "font-family:Consolas,Menlo,monospace;background:#f2f4f7;padding:0 3px;",
                _ => null,
            };
            if (style is not null)
            {
                node.GetAttributes().AddProperty("style", style);
            }
        }
    }

    // The plain-text part: headings underlined, lists with dashes, links as "text (address)".
    private static class PlainText
    {
        public static string Of(MarkdownDocument document)
        {
            var text = new StringBuilder();
            Blocks(document, text, "");
            return text.ToString().Trim() + "\n";
        }

        private static void Blocks(ContainerBlock container, StringBuilder text, string indent)
        {
            foreach (var block in container)
            {
                switch (block)
                {
                    case HeadingBlock heading:
                        var title = Inline(heading.Inline);
                        text.Append(indent).Append(title).Append('\n').Append(indent).Append(new string(heading.Level <= 2 ? '=' : '-', Math.Min(title.Length, 72))).Append("\n\n");
                        break;
                    case ListBlock list:
                        var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
                        foreach (var item in list.OfType<ListItemBlock>())
                        {
                            var bullet = list.IsOrdered ? $"{number++}. " : "– ";
                            var inner = new StringBuilder();
                            Blocks(item, inner, "");
                            var lines = inner.ToString().Trim().Split('\n').Where(l => l.Trim().Length > 0).ToList();
                            text.Append(indent).Append(bullet).Append(lines.FirstOrDefault()).Append('\n');
                            foreach (var line in lines.Skip(1))
                            {
                                text.Append(indent).Append(new string(' ', bullet.Length)).Append(line).Append('\n');
                            }
                        }
                        text.Append('\n');
                        break;
                    case QuoteBlock quote:
                        var quoted = new StringBuilder();
                        Blocks(quote, quoted, "");
                        foreach (var line in quoted.ToString().Trim().Split('\n'))
                        {
                            text.Append(indent).Append("> ").Append(line).Append('\n');
                        }
                        text.Append('\n');
                        break;
                    case Table table:
                        foreach (var row in table.OfType<TableRow>())
                        {
                            text.Append(indent).Append(string.Join(" | ", row.OfType<TableCell>().Select(c => Cell(c)))).Append('\n');
                        }
                        text.Append('\n');
                        break;
                    case ThematicBreakBlock:
                        text.Append(indent).Append("----------\n\n");
                        break;
                    case CodeBlock code:
                        foreach (var line in code.Lines.Lines.Take(code.Lines.Count))
                        {
                            text.Append(indent).Append("    ").Append(line.ToString()).Append('\n');
                        }
                        text.Append('\n');
                        break;
                    case LeafBlock leaf when leaf.Inline is not null:
                        text.Append(indent).Append(Inline(leaf.Inline)).Append("\n\n");
                        break;
                    case ContainerBlock inner:
                        Blocks(inner, text, indent);
                        break;
                }
            }
        }

        private static string Cell(TableCell cell)
        {
            var inner = new StringBuilder();
            Blocks(cell, inner, "");
            return inner.ToString().Trim().Replace('\n', ' ');
        }

        public static string Inline(ContainerInline? container)
        {
            var text = new StringBuilder();
            for (var inline = container?.FirstChild; inline is not null; inline = inline.NextSibling)
            {
                switch (inline)
                {
                    case LinkInline { IsImage: true } image:
                        var alt = Inline(image);
                        text.Append(alt.Length > 0 ? $"[Image : {alt}]" : "[Image]");
                        break;
                    case LinkInline link:
                        var label = Inline(link);
                        text.Append(label);
                        if (!string.Equals(label, link.Url, StringComparison.Ordinal) && !string.Equals("mailto:" + label, link.Url, StringComparison.Ordinal))
                        {
                            text.Append(" (").Append(link.Url).Append(')');
                        }
                        break;
                    case AutolinkInline autolink:
                        text.Append(autolink.Url);
                        break;
                    case LiteralInline literal:
                        text.Append(literal.Content.ToString());
                        break;
                    case CodeInline code:
                        text.Append(code.Content);
                        break;
                    case HtmlEntityInline entity:
                        text.Append(entity.Transcoded.ToString());
                        break;
                    case LineBreakInline lineBreak:
                        text.Append(lineBreak.IsHard ? '\n' : ' ');
                        break;
                    case ContainerInline inner:
                        text.Append(Inline(inner));
                        break;
                }
            }
            return text.ToString();
        }
    }
}
