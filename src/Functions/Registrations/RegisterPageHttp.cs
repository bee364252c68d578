using Microsoft.Extensions.Options;
using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The public registration form: GET shows it, POST (the form itself, without JavaScript) registers.
public sealed class RegisterPageHttp(RegistrationService service, EventCatalogue catalogue, IOptions<PublicSiteOptions> site)
{
    [Function("RegisterPage")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/events/{eventId}/register")] HttpRequest request,
        string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsGet(request.Method)
            ? await RegistrationPages.ShowFormAsync(eventId, catalogue, cancellationToken)
            : await RegistrationPages.SubmitFormAsync(eventId, await RegistrationForm.ReadAsync(request, cancellationToken), request.ClientAddress(site.Value), service, catalogue, cancellationToken);
    }
}
