using Microsoft.Extensions.Options;
using Microstructures.Core.Newsletter;
using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Newsletter;

// Subscribing: the JSON API and the public page (a form that works without JavaScript). Both answer
// the same whatever the address' state; the confirmation e-mail (double opt-in) goes to the mailbox.
// Well-formed requests count against the caller's address (429 with the wait past the limit).
public sealed class SubscribeHttp(SubscriptionService subscriptions, IOptions<PublicSiteOptions> site)
{
    [Function("NewsletterSubscribe")]
    [PublicAccess]
    public async Task<IResult> ApiAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/newsletter/subscriptions")] HttpRequest request,
        CancellationToken cancellationToken) =>
        (await subscriptions.SubscribeAsync(await request.ReadJsonAsync<SubscriptionInput>(cancellationToken), request.ClientAddress(site.Value), cancellationToken))
            .ToHttp(answer => TypedResults.Accepted((string?)null, answer));

    [Function("NewsletterSubscribePage")]
    [PublicAccess]
    public async Task<IResult> PageAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/newsletter/subscribe")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsGet(request.Method)
            ? NewsletterPages.SubscribeForm(sent: request.QueryValue("envoye") == "1")
            : await NewsletterPages.SubmitSubscribeFormAsync(await NewsletterForm.ReadAsync(request, cancellationToken), request.ClientAddress(site.Value), subscriptions, cancellationToken);
    }
}
