using Microstructures.Core.Newsletter;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Newsletter;

// The re-permission e-mail's link, sent 30 days before a silent subscriber is deleted: GET shows the
// "rester inscrit·e" button, POST (the button) keeps the subscription for three more years.
public sealed class StayHttp(SubscriberRetention retention)
{
    [Function("NewsletterStay")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/newsletter/stay")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.QueryValue("token");
        return NewsletterPages.Stay(token, HttpMethods.IsGet(request.Method)
            ? await retention.OpenStayAsync(token, cancellationToken)
            : await retention.StayAsync(token, cancellationToken));
    }
}
