using Microsoft.Azure.Functions.Worker.Middleware;

namespace Microstructures.Functions.Hosting;

// The security headers, set once for every HTTP function, when its answer starts (so they also cover
// the error pages HttpErrorMiddleware writes and every status). Chosen by the content type: every
// HTML answer gets the strict Content-Security-Policy (scripts and styles from the platform's own
// /api/assets only: no inline script, no inline handler, no style attribute), no frame, no referrer
// (manage, certificate and door links carry a token in their address) and no caching (they carry a
// token or personal data; staff pages and forms are not worth caching either). Every answer is
// nosniff, and an answer that set no Cache-Control of its own (assets do) is not stored either.
// Kestrel's Server header is turned off in Program.cs.
public sealed class SecurityHeadersMiddleware : IFunctionsWorkerMiddleware
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    // The door page needs the camera; nothing needs the rest.
    public const string PermissionsPolicy = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is { } http)
        {
            http.Response.OnStarting(static state =>
            {
                Apply((HttpResponse)state);
                return Task.CompletedTask;
            }, http.Response);
        }
        await next(context);
    }

    private const string FrameAncestorsKey = "platform.frame-ancestors";

    // A page that may be framed by the given origins (the newsletter archive, on the association's
    // site); without origins it keeps frame-ancestors 'none'.
    public static void AllowFraming(HttpContext context, string? origins)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!string.IsNullOrWhiteSpace(origins))
        {
            context.Items[FrameAncestorsKey] = origins.Trim();
        }
    }

    public static void Apply(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (string.IsNullOrEmpty(headers.CacheControl))
        {
            headers.CacheControl = "no-store";
        }
        if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            if (response.HttpContext.Items[FrameAncestorsKey] is string origins)
            {
                // X-Frame-Options cannot name an origin: the CSP alone says who may frame the page.
                headers.ContentSecurityPolicy = ContentSecurityPolicy.Replace("frame-ancestors 'none'", $"frame-ancestors {origins}", StringComparison.Ordinal);
                headers.Remove("X-Frame-Options");
            }
            else
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
            }
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = PermissionsPolicy;
            headers.CacheControl = "no-store";
        }
    }
}
