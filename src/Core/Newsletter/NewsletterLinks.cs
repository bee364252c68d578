using Microsoft.Extensions.Options;
using Microstructures.Core.Registrations;

namespace Microstructures.Core.Newsletter;

// The platform addresses the newsletter's e-mails and pages point to (absolute, from App__PublicBaseUrl).
// The functions serve these routes: GET shows a page with a button, POST acts (link scanners only GET).
public sealed class NewsletterLinks(NewsletterTokens tokens, IOptions<PublicSiteOptions> site)
{
    public const string SubscribePath = "/api/newsletter/subscribe";
    public const string ConfirmPath = "/api/newsletter/confirm";

    // GET: the page with the button; POST: the one-click unsubscribe (RFC 8058) and the page's button.
    public const string UnsubscribePath = "/api/newsletter/unsubscribe";
    public const string StayPath = "/api/newsletter/stay";
    public const string ArchivePath = "/api/newsletter/archive";
    public const string ImagesPath = "/api/newsletter/images";

    public Uri Subscribe() => site.Value.Link(SubscribePath);

    public Uri Confirm(string subscriberId, DateTimeOffset issuedAt) => site.Value.Link($"{ConfirmPath}?token={tokens.Confirmation(subscriberId, issuedAt)}");

    public Uri Unsubscribe(string subscriberId) => site.Value.Link($"{UnsubscribePath}?token={tokens.Unsubscribe(subscriberId)}");

    public Uri Stay(string subscriberId) => site.Value.Link($"{StayPath}?token={tokens.Stay(subscriberId)}");

    public Uri Archive() => site.Value.Link(ArchivePath);

    public Uri Archive(NewsletterMonth month) => site.Value.Link($"{ArchivePath}/{month}");

    public Uri Image(string imageId) => site.Value.Link($"{ImagesPath}/{imageId}");

    public string BaseUrl => site.Value.PublicBaseUrl.TrimEnd('/');

    // RFC 2369 and RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the URL, no page, no login.
    public static IReadOnlyDictionary<string, string> UnsubscribeHeaders(string unsubscribeUrl) => new Dictionary<string, string>
    {
        [ListUnsubscribe] = $"<{unsubscribeUrl}>",
        [ListUnsubscribePost] = OneClick,
    };

    public const string ListUnsubscribe = "List-Unsubscribe";
    public const string ListUnsubscribePost = "List-Unsubscribe-Post";
    public const string OneClick = "List-Unsubscribe=One-Click";
}
