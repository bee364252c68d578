using Microsoft.Azure.Functions.Worker.Middleware;
using Microstructures.Core.Audit;

namespace Microstructures.Functions.Hosting;

// Staff changes to an event and its registrations go to the audit trail of the event (who, what,
// when): every successful non-GET call of an [AuditEvent] function, with the route's other ids (a
// registration) as what changed. The org-tree use cases record field-by-field diffs themselves.
public sealed class EventAuditMiddleware(AuditTrail audit, FunctionCatalog catalog) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        await next(context);
        var http = context.GetHttpContext() ?? throw new InvalidOperationException($"{context.FunctionDefinition.Name} is marked [AuditEvent] but is not an HTTP function.");
        var status = context.GetInvocationResult().Value is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || status is < 200 or >= 300
            || http.Request.RouteValues["eventId"] is not string eventId)
        {
            return;
        }
        var pattern = "/" + catalog.Get(context).Route;
        var ids = http.Request.RouteValues.Where(v => v.Key != "eventId" && v.Value is string)
            .ToDictionary(v => v.Key, v => (string)v.Value!, StringComparer.Ordinal);
        await audit.RecordAsync(AuditEntityTypes.Event, eventId, Actor.Staff, $"{http.Request.Method} {pattern}", null, ids, http.RequestAborted);
    }
}
