using Microsoft.Extensions.Options;
using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// JSON or form: 201 confirmed, 202 waitlisted, 400 per field, 409 closed or not open, 429 rate-limited.
public sealed class RegisterHttp(RegistrationService service, IOptions<PublicSiteOptions> site)
{
    [Function("Register")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/events/{eventId}/registrations")] HttpRequest request,
        string eventId, CancellationToken cancellationToken)
    {
        var form = await RegistrationForm.ReadAsync(request, cancellationToken);
        return (await service.RegisterAsync(eventId, form.Input, RegistrationSource.Public, request.ClientAddress(site.Value), cancellationToken)).ToHttp(RegistrationHttp.RegistrationAnswer);
    }
}
