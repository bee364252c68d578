using System.Net;
using System.Text;

namespace Microstructures.DevHost.Pages;

// Plain pages, no external assets: what a person reads is in French.
internal static class Html
{
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static IResult Page(string title, string body) => Results.Content(Document(title, body), "text/html; charset=utf-8");

    public static string Document(string title, string body) =>
        new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(title)).Append(" – DevHost</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:70rem;color:#111}")
            .Append("table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #999;padding:.3rem .6rem;text-align:left;vertical-align:top}")
            .Append("th{background:#eee}iframe{width:100%;height:32rem;border:1px solid #999}a{color:#0645ad}")
            .Append("button{font:inherit;padding:.2rem .8rem}pre{white-space:pre-wrap}</style></head><body>")
            .Append("<nav><a href=\"/_devhost\">DevHost</a> · <a href=\"/_devhost/outbox/page\">Courriels</a> · <a href=\"/_devhost/queues\">Files et minuteurs</a></nav>")
            .Append("<main><h1>").Append(Encode(title)).Append("</h1>")
            .Append(body)
            .Append("</main></body></html>")
            .ToString();

    public static string Date(DateTimeOffset? value) =>
        value is null || value == DateTimeOffset.MinValue
            ? "—"
            : value.Value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
