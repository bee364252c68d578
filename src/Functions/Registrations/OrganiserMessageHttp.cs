using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// A message from the organisers to all confirmed (or all) registrants, once per person.
public sealed class OrganiserMessageHttp(OrganiserMessages messages)
{
    [Function("OrganiserMessage")]
    [StaffAccess]
    [AuditEvent]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/events/{eventId}/messages")] HttpRequest request,
        string eventId, CancellationToken cancellationToken) =>
        (await messages.SendAsync(eventId, await request.ReadJsonAsync<OrganiserMessageInput>(cancellationToken), cancellationToken))
            .ToHttp(report => TypedResults.Accepted((string?)null, report));
}
