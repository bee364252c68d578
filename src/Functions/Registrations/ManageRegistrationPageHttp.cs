using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The signed link of every registration e-mail: GET shows status and position (with ?step=annuler, the
// cancellation's second step: what will happen); POST (that step's button, never a GET: a mail scanner
// following the link must not cancel anything) cancels and promotes, or undoes a cancellation.
public sealed class ManageRegistrationPageHttp(RegistrationViews views, RegistrationCancellation cancellation, CancellationUndo undo)
{
    [Function("ManageRegistrationPage")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/events/{eventId}/registrations/{registrationId}/manage")] HttpRequest request,
        string eventId, string registrationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.QueryValue("token");
        if (HttpMethods.IsGet(request.Method))
        {
            return await RegistrationPages.ShowManageAsync(eventId, registrationId, token, request.QueryValue("step") == "annuler", views, cancellationToken);
        }
        // The second step's button posts the cancellation; the cancelled page's "undo" button posts action=undo.
        var action = request.IsUrlEncodedForm() && (await request.ReadFormAsync(1024, 4, cancellationToken)).TryGetValue("action", out var value) ? value : "cancel";
        return action == "undo"
            ? await RegistrationPages.UndoFromManageAsync(eventId, registrationId, token, undo, cancellationToken)
            : await RegistrationPages.CancelFromManageAsync(eventId, registrationId, token, cancellation, cancellationToken);
    }
}
