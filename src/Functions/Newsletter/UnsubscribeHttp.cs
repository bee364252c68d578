using Microstructures.Core.Newsletter;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Newsletter;

// The unsubscribe address of every e-mail to a subscriber (List-Unsubscribe and the visible link).
// GET shows the page with its button and changes nothing (link scanners visit links); POST
// unsubscribes: the mail client's one-click (RFC 8058, "List-Unsubscribe=One-Click") or the button.
public sealed class UnsubscribeHttp(Unsubscriptions unsubscriptions)
{
    [Function("NewsletterUnsubscribe")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/newsletter/unsubscribe")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.QueryValue("token");
        if (HttpMethods.IsGet(request.Method))
        {
            return NewsletterPages.Unsubscribe(token, await unsubscriptions.OpenAsync(token, cancellationToken), justDone: false);
        }
        var channel = await NewsletterForm.IsPageButtonAsync(request, cancellationToken) ? UnsubscribeChannel.Page : UnsubscribeChannel.OneClick;
        return NewsletterPages.Unsubscribe(token, await unsubscriptions.UnsubscribeAsync(token, channel, cancellationToken), justDone: true);
    }
}
