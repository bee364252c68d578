using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Registrations;

// The platform's public home at / : who we are, and the events one can still register for.
public sealed class HomePageHttp(RegistrationStore store, TimeProvider time)
{
    [Function("Home")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = FunctionCatalog.HomeRoute)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var events = (await store.ListEventsAsync(cancellationToken))
            .Where(e => e.EndsAt > now && e.RegistrationClosesAt > now && e.CancelledAt is null)
            .OrderBy(e => e.StartsAt)
            .Select(e => EventSummary.From(e, now))
            .ToList();
        return PageResults.Page(HomePage.Create(events));
    }
}
