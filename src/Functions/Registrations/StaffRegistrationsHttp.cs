using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The staff's registrations API: list and search, register someone who phoned, edit or cancel on
// their behalf. Every change goes to the event's audit trail.
public sealed class StaffRegistrationsHttp(RegistrationService service, StaffRegistrationEdits edits, RegistrationCancellation cancellation, RegistrationReports reports)
{
    // GET ?q= lists and searches; POST registers someone who phoned (no rate limit, allowed outside
    // the public registration window).
    [Function("StaffRegistrations")]
    [StaffAccess]
    [AuditEvent]
    public async Task<IResult> ListOrRegisterAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/manage/events/{eventId}/registrations")] HttpRequest request,
        string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method))
        {
            return (await reports.ListAsync(eventId, request.QueryValue("q"), cancellationToken)).ToHttp(rows => TypedResults.Ok(rows));
        }
        var form = await RegistrationForm.ReadAsync(request, cancellationToken);
        return (await service.RegisterAsync(eventId, form.Input, RegistrationSource.Staff, cancellationToken: cancellationToken)).ToHttp(RegistrationHttp.RegistrationAnswer);
    }

    [Function("StaffEditRegistration")]
    [StaffAccess]
    [AuditEvent]
    public async Task<IResult> EditAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/manage/events/{eventId}/registrations/{registrationId}")] HttpRequest request,
        string eventId, string registrationId, CancellationToken cancellationToken)
    {
        var form = await RegistrationForm.ReadAsync(request, cancellationToken);
        return (await edits.EditAsync(eventId, registrationId, form.Input, cancellationToken)).ToHttp(view => TypedResults.Ok(view));
    }

    [Function("StaffCancelRegistration")]
    [StaffAccess]
    [AuditEvent]
    public async Task<IResult> CancelAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/events/{eventId}/registrations/{registrationId}/cancel")] HttpRequest request,
        string eventId, string registrationId, CancellationToken cancellationToken) =>
        (await cancellation.CancelAsync(eventId, registrationId, cancellationToken)).ToHttp(view => TypedResults.Ok(view));
}
