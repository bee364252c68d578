using System.Text;
using System.Text.Encodings.Web;

namespace Microstructures.Functions.Pages;

public sealed record StaffNavItem(string Href, string Label);

// The HTML shell of every page. Public pages: header, main, footer. Staff pages add the staff
// navigation (StaffNavigation), the key form and a message area;
// their script imports /api/assets/staff.js.
public static class PageLayout
{
    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    public static IResult Public(string title, string body, int statusCode = StatusCodes.Status200OK) =>
        Html(Render(title, body, staffCurrent: null), statusCode);

    public static IResult Staff(string title, string currentHref, string body, string? moduleScript = null) =>
        Html(Render(title, body, currentHref, moduleScript));

    public static IResult Html(string html, int statusCode = StatusCodes.Status200OK) =>
        TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8, statusCode);

    private static string Render(string title, string body, string? staffCurrent, string? moduleScript = null)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">")
            .Append("<title>").Append(Encode(title)).Append(staffCurrent is null ? "" : " — Espace équipe").Append(" — CNRMS</title>")
            .Append("<link rel=\"stylesheet\" href=\"/api/assets/site.css\"></head><body>")
            .Append("<a class=\"skip\" href=\"#contenu\">Aller au contenu</a>")
            .Append("<header class=\"site\"><a href=\"").Append(staffCurrent is null ? "#contenu" : "/api/manage").Append("\">CNRMS — Microstructures médicales</a></header>");
        if (staffCurrent is not null)
        {
            html.Append("<nav class=\"staff\" aria-label=\"Espace équipe\">");
            foreach (var item in StaffNavigation.Items)
            {
                html.Append("<a href=\"").Append(Encode(item.Href)).Append('"')
                    .Append(item.Href == staffCurrent ? " aria-current=\"page\"" : "")
                    .Append('>').Append(Encode(item.Label)).Append("</a>");
            }
            html.Append("<a href=\"#\" data-forget-key>Oublier la clé</a></nav>");
        }
        html.Append("<main id=\"contenu\" tabindex=\"-1\">");
        if (staffCurrent is not null)
        {
            html.Append("<form id=\"staff-key-form\" hidden><label for=\"staff-key\">Clé d'accès de l'équipe</label>")
                .Append("<p class=\"hint\">Saisie une fois, gardée dans cet onglet seulement.</p>")
                .Append("<input id=\"staff-key\" type=\"password\" autocomplete=\"current-password\" required>")
                .Append("<button type=\"submit\">Continuer</button></form>")
                .Append("<div id=\"staff-message\" role=\"status\" tabindex=\"-1\" hidden></div>");
        }
        html.Append("<h1>").Append(Encode(title)).Append("</h1>").Append(body).Append("</main>")
            .Append("<footer class=\"site\">CNRMS — Coordination Nationale des Réseaux de Microstructures</footer>");
        if (moduleScript is not null)
        {
            html.Append("<script type=\"module\">").Append(moduleScript).Append("</script>");
        }
        html.Append("</body></html>");
        return html.ToString();
    }
}

// Staff navigation: one entry per staff feature, in the order shown (the home page links to them too).
public static class StaffNavigation
{
    public static IReadOnlyList<StaffNavItem> Items { get; } =
    [
        new("/api/manage", "Accueil"),
        new("/api/manage/keys", "Clés réseau"),
        new("/api/manage/events", "Événements"),
    ];
}
