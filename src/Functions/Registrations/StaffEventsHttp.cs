using Microsoft.Extensions.Options;
using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Registrations;

// The staff events page (a shell without data) and the list its script reads with the staff key.
public sealed class StaffEventsHttp(RegistrationStore store, TimeProvider time, IOptions<PublicSiteOptions> app)
{
    [Function("ManageEventsPage")]
    [StaffPage]
    public IResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/events")] HttpRequest request) =>
        PageResults.Page(StaffEventsPage.Create(app.Value.Link("/")));

    // Events with their counters, newest first.
    [Function("ManageEventList")]
    [StaffAccess]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/event-list")] HttpRequest request,
        CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListEventsAsync(cancellationToken)).OrderByDescending(e => e.StartsAt).Select(e => EventSummary.From(e, time.GetUtcNow())));
}
