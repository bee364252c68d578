using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Microstructures.Core.Newsletter;

// What every newsletter e-mail ends with: who sends it, its postal address, why the person gets it,
// the unsubscribe link (absent only in the public web version) and the web version.
public sealed record TemplateFooter(string AssociationName, string PostalAddress, string Why, string? UnsubscribeUrl, string? WebVersionUrl);

// The responsive French e-mail layout: one centred table at most 600 px wide, inline styles only (mail
// clients drop <style> blocks), system fonts; and its plain-text twin.
public static class NewsletterTemplate
{
    public static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Font = "font-family:Arial,Helvetica,sans-serif;";

    // bodyHtml is trusted markup (rendered from Markdown without raw HTML, or built by NewsletterEmails).
    public static string Html(string title, string preheader, string bodyHtml, TemplateFooter footer)
    {
        ArgumentNullException.ThrowIfNull(footer);
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"x-apple-disable-message-reformatting\">")
            .Append("<title>").Append(Encode(title)).Append("</title></head>")
            .Append("<body style=\"margin:0;padding:0;background:#f3f5f8;\">")
            .Append("<div style=\"display:none;max-height:0;overflow:hidden;\">").Append(Encode(preheader)).Append("</div>")
            .Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"background:#f3f5f8;\"><tr><td align=\"center\" style=\"padding:16px 8px;\">")
            .Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"max-width:600px;width:100%;background:#ffffff;border-radius:6px;\">")
            .Append("<tr><td style=\"padding:20px 24px;background:#1d3557;color:#ffffff;").Append(Font).Append("font-size:18px;line-height:1.3;font-weight:bold;border-radius:6px 6px 0 0;\">")
            .Append(Encode(title)).Append("</td></tr>")
            .Append("<tr><td style=\"padding:24px;").Append(Font).Append("font-size:16px;line-height:1.5;color:#1f2933;\">")
            .Append(bodyHtml)
            .Append("</td></tr>")
            .Append("<tr><td style=\"padding:16px 24px;").Append(Font).Append("font-size:13px;line-height:1.5;color:#52606d;border-top:1px solid #e4e7eb;\">")
            .Append("<p style=\"margin:0 0 8px;\">").Append(Encode(footer.Why)).Append("</p>");
        var links = new List<string>();
        if (footer.UnsubscribeUrl is { } unsubscribe)
        {
            links.Add($"<a href=\"{Encode(unsubscribe)}\" style=\"color:#52606d;text-decoration:underline;\">Se désabonner</a>");
        }
        if (footer.WebVersionUrl is { } web)
        {
            links.Add($"<a href=\"{Encode(web)}\" style=\"color:#52606d;text-decoration:underline;\">Lire en ligne</a>");
        }
        if (links.Count > 0)
        {
            html.Append("<p style=\"margin:0 0 8px;\">").Append(string.Join(" · ", links)).Append("</p>");
        }
        return html
            .Append("<p style=\"margin:0;\">").Append(Encode(footer.AssociationName)).Append("<br>").Append(Encode(footer.PostalAddress)).Append("</p>")
            .Append("</td></tr></table></td></tr></table></body></html>")
            .ToString();
    }

    public static string Text(string title, string bodyText, TemplateFooter footer)
    {
        ArgumentNullException.ThrowIfNull(footer);
        var text = new StringBuilder()
            .Append(title).Append('\n').Append(new string('=', Math.Min(title.Length, 72))).Append("\n\n")
            .Append(bodyText.Trim()).Append("\n\n-- \n")
            .Append(footer.Why).Append('\n');
        if (footer.UnsubscribeUrl is { } unsubscribe)
        {
            text.Append("Se désabonner : ").Append(unsubscribe).Append('\n');
        }
        if (footer.WebVersionUrl is { } web)
        {
            text.Append("Lire en ligne : ").Append(web).Append('\n');
        }
        return text.Append(footer.AssociationName).Append('\n').Append(footer.PostalAddress).Append('\n').ToString();
    }

    public static string Encode(string? value) => Encoder.Encode(value ?? "");
}
