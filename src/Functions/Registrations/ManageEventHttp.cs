using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// Create or update an event (capacity never below the confirmed count; raising it promotes), or read
// it back, for the staff.
public sealed class ManageEventHttp(EventCatalogue catalogue)
{
    [Function("ManageEvent")]
    [StaffAccess]
    [AuditEvent]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "put", Route = "api/manage/events/{eventId}")] HttpRequest request,
        string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = HttpMethods.IsGet(request.Method)
            ? await catalogue.GetSummaryAsync(eventId, cancellationToken)
            : await catalogue.PutEventAsync(eventId, await request.ReadJsonAsync<EventInput>(cancellationToken), cancellationToken);
        return result.ToHttp();
    }
}
