using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Registrations;

// Check-in at the door: the staff hand out a per-event link (revocable); the volunteer's phone page
// posts the token read from each attendee's QR code (typed, or scanned with the phone's camera), the
// short entry code, or the registration found by a search by name.
public sealed class CheckinHttp(CheckinService checkins, EventCatalogue catalogue)
{
    [Function("CheckinPage")]
    [PublicAccess]
    public async Task<IResult> PageAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/events/{eventId}/checkin")] HttpRequest request,
        string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var door = request.QueryValue("door");
        return await checkins.IsDoorKeyValidAsync(eventId, door, cancellationToken) && await catalogue.GetSummaryAsync(eventId, cancellationToken) is { IsSuccess: true } summary
            ? PageResults.Page(CheckinDoorPage.Create(new CheckinDoor(door!, summary.Value!)))
            : PageResults.Notice(new Notice(PageTitles.InvalidDoorLink, "Ce lien d'accueil n'est pas (ou plus) valide\u00A0: demandez le lien à jour à l'équipe."), StatusCodes.Status404NotFound);
    }

    // Idempotent: a second scan of the same code says so.
    [Function("CheckIn")]
    [PublicAccess]
    public async Task<IResult> CheckInAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/events/{eventId}/checkins")] HttpRequest request,
        string eventId, CancellationToken cancellationToken) =>
        (await checkins.CheckInAsync(eventId, await request.ReadJsonAsync<CheckinInput>(cancellationToken), cancellationToken)).ToHttp(answer => TypedResults.Ok(answer));

    // The door's search by name (?door=&q=): name, organisation, status and arrival only.
    [Function("DoorSearch")]
    [PublicAccess]
    public async Task<IResult> SearchAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/events/{eventId}/door/registrations")] HttpRequest request,
        string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await checkins.SearchAsync(eventId, request.QueryValue("door"), request.QueryValue("q"), cancellationToken)).ToHttp(found => TypedResults.Ok(found));
    }

    // A wrong person checked in: the door forgets the arrival.
    [Function("UndoCheckIn")]
    [PublicAccess]
    public async Task<IResult> UndoAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/events/{eventId}/checkins/undo")] HttpRequest request,
        string eventId, CancellationToken cancellationToken) =>
        (await checkins.UndoAsync(eventId, await request.ReadJsonAsync<UndoCheckinInput>(cancellationToken), cancellationToken)).ToHttp(entry => TypedResults.Ok(entry));
}
