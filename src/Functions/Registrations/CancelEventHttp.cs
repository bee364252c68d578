using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The staff cancel an event: registrations and check-ins stop, everyone registered is e-mailed (with a
// METHOD:CANCEL .ics for a seat). Asking again sends only what a first, interrupted request did not.
public sealed class CancelEventHttp(EventCancellation cancellation)
{
    [Function("CancelEvent")]
    [StaffAccess]
    [AuditEvent]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/events/{eventId}/cancel")] HttpRequest request,
        string eventId, CancellationToken cancellationToken) =>
        (await cancellation.CancelAsync(eventId, cancellationToken)).ToHttp();
}
