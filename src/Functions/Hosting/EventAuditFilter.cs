using Microstructures.Core.Audit;

namespace Microstructures.Functions.Hosting;

// Staff changes to an event and its registrations go to the audit trail of the event (who, what,
// when): every successful non-GET call of the events staff API, with the route's other ids (a
// registration) as what changed. The org-tree use cases record field-by-field diffs themselves.
public sealed class EventAuditFilter(AuditTrail audit) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context);
        var http = context.HttpContext;
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || status is < 200 or >= 300
            || http.GetRouteValue("eventId") is not string eventId)
        {
            return result;
        }
        var pattern = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "";
        var ids = http.Request.RouteValues.Where(v => v.Key != "eventId" && v.Value is string)
            .ToDictionary(v => v.Key, v => (string)v.Value!, StringComparer.Ordinal);
        await audit.RecordAsync(AuditEntityTypes.Event, eventId, Actor.Staff, $"{http.Request.Method} {pattern}", null, ids, http.RequestAborted);
        return result;
    }
}
