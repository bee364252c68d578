using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The door link for the volunteers; DELETE revokes every link given so far and answers the new one.
// With it, its QR code as a data: URI, for the staff page to show (a volunteer scans it to open the link).
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
        return link.ToHttp(l => TypedResults.Ok(new { l.Url, l.Version, QrCode = "data:image/png;base64," + Convert.ToBase64String(RegistrationEmails.Qr(l.Url)) }));
    }
}
