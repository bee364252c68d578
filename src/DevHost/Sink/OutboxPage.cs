using System.Text;
using System.Text.RegularExpressions;
using Microstructures.DevHost.Pages;

namespace Microstructures.DevHost.Sink;

internal static partial class OutboxPage
{
    private static readonly (string Event, string Label)[] ProviderEvents =
    [
        ("bounce", "Simuler un rebond"),
        ("spamreport", "Simuler un signalement comme indésirable"),
        ("unsubscribe", "Simuler une désinscription"),
        ("delivered", "Simuler une remise"),
    ];

    public static async Task<IResult> RenderAsync(string? id, string? posted, int? status, OutboxStore store, CancellationToken cancellationToken)
    {
        var messages = await store.ListAsync(null, null, cancellationToken);
        var body = new StringBuilder();
        if (posted is not null && status is not null)
        {
            body.Append("<p role=\"status\">Événement « ").Append(Html.Encode(posted)).Append(" » signé et posté à /api/email/events : l’application a répondu ")
                .Append(status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Append(status is >= 200 and < 300 ? " (accepté)." : " (refusé : voir le journal du DevHost).").Append("</p>");
        }
        if (messages.Count == 0)
        {
            body.Append("<p>Aucun courriel reçu pour l’instant.</p>");
        }
        else
        {
            body.Append("<table><caption>Courriels reçus, du plus récent au plus ancien</caption>")
                .Append("<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">À</th><th scope=\"col\">Sujet</th></tr></thead><tbody>");
            foreach (var m in messages.AsEnumerable().Reverse())
            {
                body.Append("<tr><td>").Append(Html.Encode(Html.Date(m.ReceivedAt))).Append("</td><td>")
                    .Append(Html.Encode(string.Join(", ", m.To.Select(a => a.Email)))).Append("</td><td>")
                    .Append("<a href=\"/_devhost/outbox/page?id=").Append(Uri.EscapeDataString(m.Id)).Append('"')
                    .Append(m.Id == id ? " aria-current=\"page\"" : "").Append('>')
                    .Append(Html.Encode(m.Subject)).Append("</a></td></tr>");
            }
            body.Append("</tbody></table>");
        }
        var selected = messages.FirstOrDefault(m => m.Id == id);
        if (selected is not null)
        {
            body.Append("<section aria-labelledby=\"message\"><h2 id=\"message\">").Append(Html.Encode(selected.Subject)).Append("</h2><dl>")
                .Append("<dt>De</dt><dd>").Append(Html.Encode(Format(selected.From))).Append("</dd>")
                .Append("<dt>À</dt><dd>").Append(Html.Encode(string.Join(", ", selected.To.Select(Format)))).Append("</dd>");
            if (selected.Cc.Count > 0)
            {
                body.Append("<dt>Cc</dt><dd>").Append(Html.Encode(string.Join(", ", selected.Cc.Select(Format)))).Append("</dd>");
            }
            if (selected.Bcc.Count > 0)
            {
                body.Append("<dt>Cci</dt><dd>").Append(Html.Encode(string.Join(", ", selected.Bcc.Select(Format)))).Append("</dd>");
            }
            body.Append("<dt>Reçu le</dt><dd>").Append(Html.Encode(Html.Date(selected.ReceivedAt))).Append("</dd>");
            foreach (var (name, value) in selected.Headers)
            {
                body.Append("<dt>").Append(Html.Encode(name)).Append("</dt><dd>").Append(Html.Encode(value)).Append("</dd>");
            }
            body.Append("</dl>");
            // Plain form posts (the pages' CSP allows no inline script): the endpoint sends the browser back here.
            body.Append("<form method=\"post\" action=\"/_devhost/sink/events\"><fieldset><legend>Événement du fournisseur (Event Webhook signé)</legend>")
                .Append("<input type=\"hidden\" name=\"messageId\" value=\"").Append(Html.Encode(selected.Id)).Append("\">");
            foreach (var (name, label) in ProviderEvents)
            {
                body.Append("<button type=\"submit\" name=\"event\" value=\"").Append(name).Append("\">").Append(Html.Encode(label)).Append("</button> ");
            }
            body.Append("</fieldset></form>");
            if (selected.Attachments.Count > 0)
            {
                body.Append("<h3>Pièces jointes</h3><ul>");
                foreach (var a in selected.Attachments)
                {
                    body.Append("<li><a download href=\"/_devhost/outbox/").Append(Uri.EscapeDataString(selected.Id)).Append("/attachments/")
                        .Append(Uri.EscapeDataString(a.Filename)).Append("\">").Append(Html.Encode(a.Filename)).Append("</a></li>");
                }
                body.Append("</ul>");
            }
            if (selected.Html is not null)
            {
                // sandbox without allow-scripts: the e-mail's HTML is shown, never executed.
                body.Append("<iframe title=\"Contenu HTML du courriel\" sandbox=\"allow-popups allow-popups-to-escape-sandbox\" srcdoc=\"")
                    .Append(Html.Encode(ResolveInlineParts(selected))).Append("\"></iframe>");
            }
            if (selected.Text is not null)
            {
                body.Append("<h3>Version texte</h3><pre>").Append(Html.Encode(selected.Text)).Append("</pre>");
            }
            body.Append("</section>");
        }
        return Html.Page("Courriels (boîte d’envoi locale)", body.ToString());
    }

    // An e-mail client shows an inline part where the HTML says cid:<Content-ID> (RFC 2392): here each
    // such reference points at the part served by /_devhost/outbox/<id>/inline/<Content-ID>; a cid
    // without a matching part is left as it is (a broken image, as a mail client would show it).
    public static string ResolveInlineParts(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var ids = message.Attachments.Where(a => a.ContentId is not null).Select(a => a.ContentId!).ToHashSet(StringComparer.Ordinal);
        return CidReference().Replace(message.Html ?? "", match =>
        {
            var contentId = Uri.UnescapeDataString(match.Groups["id"].Value);
            return ids.Contains(contentId) ? InlinePath(message.Id, contentId) : match.Value;
        });
    }

    public static string InlinePath(string messageId, string contentId) =>
        $"/_devhost/outbox/{Uri.EscapeDataString(messageId)}/inline/{Uri.EscapeDataString(contentId)}";

    [GeneratedRegex("cid:(?<id>[^\"'\\s<>)]+)", RegexOptions.IgnoreCase)]
    private static partial Regex CidReference();

    private static string Format(MailAddress address) =>
        string.IsNullOrEmpty(address.Name) ? address.Email : $"{address.Name} <{address.Email}>";
}
