using Microsoft.Extensions.Options;
using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Registrations;

// A printable poster for the form: the event's title, its QR code and, under it, the form's address.
public sealed class RegistrationPosterHttp(EventCatalogue catalogue, IOptions<PublicSiteOptions> app)
{
    [Function("RegistrationPoster")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/events/{eventId}/poster")] HttpRequest request,
        string eventId, CancellationToken cancellationToken)
    {
        var summary = await catalogue.GetSummaryAsync(eventId, cancellationToken);
        return summary.IsSuccess
            ? PageResults.Page(RegistrationPosterPage.Create(new RegistrationPoster(summary.Value!, app.Value.Link($"/api/events/{eventId}/register"))))
            : RegistrationPages.EventNotFound();
    }
}
