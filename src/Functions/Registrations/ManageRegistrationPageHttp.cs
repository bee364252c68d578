using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The signed link of every registration e-mail: GET shows status and position; POST (the confirm
// button, never a GET: a mail scanner following the link must not cancel anything) cancels and promotes.
public sealed class ManageRegistrationPageHttp(RegistrationViews views, RegistrationCancellation cancellation)
{
    [Function("ManageRegistrationPage")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/events/{eventId}/registrations/{registrationId}/manage")] HttpRequest request,
        string eventId, string registrationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.QueryValue("token");
        return HttpMethods.IsGet(request.Method)
            ? await RegistrationPages.ShowManageAsync(eventId, registrationId, token, views, cancellationToken)
            : await RegistrationPages.CancelFromManageAsync(eventId, registrationId, token, cancellation, cancellationToken);
    }
}
