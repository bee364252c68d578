using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The public summary of an event: seats left, waitlist size, registration state.
public sealed class EventSummaryHttp(EventCatalogue catalogue)
{
    [Function("EventSummary")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/events/{eventId}")] HttpRequest request,
        string eventId, CancellationToken cancellationToken) =>
        (await catalogue.GetSummaryAsync(eventId, cancellationToken)).ToHttp(summary => TypedResults.Ok(summary));
}
