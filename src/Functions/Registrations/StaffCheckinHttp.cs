using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The staff's check-in button on the registrations list: POST records the arrival (in the event's
// check-in window, as at the door), DELETE undoes it.
public sealed class StaffCheckinHttp(CheckinService checkins)
{
    [Function("StaffCheckIn")]
    [StaffAccess]
    [AuditEvent]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "delete", Route = "api/manage/events/{eventId}/registrations/{registrationId}/checkin")] HttpRequest request,
        string eventId, string registrationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsDelete(request.Method)
            ? (await checkins.UndoByStaffAsync(eventId, registrationId, cancellationToken)).ToHttp(entry => TypedResults.Ok(entry))
            : (await checkins.CheckInByStaffAsync(eventId, registrationId, cancellationToken)).ToHttp(answer => TypedResults.Ok(answer));
    }
}
