using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The door link for the volunteers; DELETE revokes every link given so far and answers the new one.
public sealed class CheckinLinkHttp(CheckinService checkins)
{
    [Function("CheckinLink")]
    [StaffAccess]
    [AuditEvent]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "delete", Route = "api/manage/events/{eventId}/checkin-link")] HttpRequest request,
        string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var link = await checkins.GetLinkAsync(eventId, revokePrevious: HttpMethods.IsDelete(request.Method), cancellationToken);
        return link.ToHttp();
    }
}
