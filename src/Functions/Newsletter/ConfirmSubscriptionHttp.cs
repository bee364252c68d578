using Microstructures.Core.Newsletter;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Newsletter;

// The confirmation link of the double opt-in: GET shows the page and its button (a link scanner
// confirms nothing), POST (the button) confirms.
public sealed class ConfirmSubscriptionHttp(SubscriptionService subscriptions)
{
    [Function("NewsletterConfirm")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/newsletter/confirm")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.QueryValue("token");
        return NewsletterPages.Confirmation(token, HttpMethods.IsGet(request.Method)
            ? await subscriptions.OpenConfirmationAsync(token, cancellationToken)
            : await subscriptions.ConfirmAsync(token, cancellationToken));
    }
}
