using Microstructures.Core.Forfaits;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Forfaits;

// The network API of forfaits (network key): pseudonymous inclusions, renewals, closures, reminder
// snooze and acknowledgement, CSV import and export, figures. The forfait and microstructure ids come
// from the body or the route's {forfaitId}: Core's ForfaitAccess answers another network's as not found.
public sealed class NetworkForfaitsHttp(ForfaitInclusions inclusions, ForfaitService forfaits)
{
    // GET: the network's forfaits (?microstructureId= for one), soonest end first. POST: an inclusion:
    // 201 with its first period, 200 with the same forfait when the same inclusion is posted again.
    [Function("NetworkForfaits")]
    [NetworkAccess]
    public async Task<IResult> ListOrIncludeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/network/forfaits")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var actor = request.HttpContext.GetNetworkCaller().Actor;
        if (HttpMethods.IsGet(request.Method))
        {
            return (await forfaits.ListAsync(request.QueryValue("microstructureId"), actor, cancellationToken)).ToHttp();
        }
        var input = await request.ReadJsonAsync<ForfaitInput>(cancellationToken) ?? new ForfaitInput(null, null, null, null);
        return (await inclusions.CreateAsync(input, actor, cancellationToken)).ToHttp(saved => saved.Outcome == Core.ReferenceData.SaveOutcome.Created
            ? TypedResults.Created($"/api/network/forfaits/{saved.Value.Id}", saved.Value)
            : TypedResults.Ok(saved.Value));
    }

    [Function("NetworkForfait")]
    [NetworkAccess]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/network/forfaits/{forfaitId}")] HttpRequest request,
        string forfaitId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await forfaits.GetAsync(forfaitId, request.HttpContext.GetNetworkCaller().Actor, cancellationToken)).ToHttp();
    }

    // Opens the next period, dated from the current one's end. {"period": n} renews period n only (a retry renews once).
    [Function("NetworkRenewForfait")]
    [NetworkAccess]
    public async Task<IResult> RenewAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/network/forfaits/{forfaitId}/renewals")] HttpRequest request,
        string forfaitId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var input = await request.ReadJsonAsync<RenewalInput>(cancellationToken);
        return (await forfaits.RenewAsync(forfaitId, input, request.HttpContext.GetNetworkCaller().Actor, cancellationToken)).ToHttp();
    }

    // {"reason": "<code>", "closedOn": "AAAA-MM-JJ"?}: ends the follow-up; its remaining reminders are skipped.
    [Function("NetworkCloseForfait")]
    [NetworkAccess]
    public async Task<IResult> CloseAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/network/forfaits/{forfaitId}/closure")] HttpRequest request,
        string forfaitId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var input = await request.ReadJsonAsync<ClosureInput>(cancellationToken) ?? new ClosureInput(null);
        return (await forfaits.CloseAsync(forfaitId, input, request.HttpContext.GetNetworkCaller().Actor, cancellationToken)).ToHttp();
    }

    // Skips the next reminder of the current period.
    [Function("NetworkSnoozeForfait")]
    [NetworkAccess]
    public async Task<IResult> SnoozeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/network/forfaits/{forfaitId}/snooze")] HttpRequest request,
        string forfaitId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var input = await request.ReadJsonAsync<ReminderActionInput>(cancellationToken);
        return (await forfaits.SnoozeAsync(forfaitId, input, request.HttpContext.GetNetworkCaller().Actor, cancellationToken)).ToHttp();
    }

    // The team is on it: no more reminders to the microstructure for this period (the escalation still goes).
    [Function("NetworkAcknowledgeForfait")]
    [NetworkAccess]
    public async Task<IResult> AcknowledgeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/network/forfaits/{forfaitId}/acknowledgement")] HttpRequest request,
        string forfaitId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var input = await request.ReadJsonAsync<ReminderActionInput>(cancellationToken);
        return (await forfaits.AcknowledgeAsync(forfaitId, input, request.HttpContext.GetNetworkCaller().Actor, cancellationToken)).ToHttp();
    }
}
