using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// JSON or form: 201 confirmed, 202 waitlisted, 400 per field, 409 closed or not open, 429 rate-limited.
public sealed class RegisterHttp(RegistrationRateLimiter limiter, RegistrationService service)
{
    [Function("Register")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/events/{eventId}/registrations")] HttpRequest request,
        string eventId, CancellationToken cancellationToken)
    {
        var form = await RegistrationForm.ReadAsync(request, cancellationToken);
        if (!limiter.TryAcquire(RegistrationHttp.ClientIp(request), form.Input.Email))
        {
            return RegistrationHttp.TooManyRequests();
        }
        return (await service.RegisterAsync(eventId, form.Input, cancellationToken: cancellationToken)).ToHttp(RegistrationHttp.RegistrationAnswer);
    }
}
