using Microsoft.Extensions.Hosting;
using Microstructures.Functions.Queues;

namespace Microstructures.Functions.Hosting;

public static class PlatformMiddlewareExtensions
{
    // Cross-cutting rules as worker middleware, chosen by the markers on each function (FunctionCatalog).
    // Called after ConfigureFunctionsWebApplication(): before it a middleware sees no HttpContext.
    // Outermost first: security headers (set as any HTTP answer starts), errors (and the execution of
    // every HTTP result), then the key checks, then audit; queue functions' failures are recorded
    // (QueueFailureMiddleware) and rethrown to the host.
    public static IFunctionsWorkerApplicationBuilder UsePlatformMiddleware(this IFunctionsWorkerApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseWhen<SecurityHeadersMiddleware>(context => context.GetFunctionEntry().Trigger == FunctionTrigger.Http);
        builder.UseMiddleware<HttpErrorMiddleware>();
        builder.UseWhen<StaffKeyMiddleware>(context => context.GetFunctionEntry().Access == FunctionAccess.Staff);
        builder.UseWhen<NetworkKeyMiddleware>(context => context.GetFunctionEntry().Access == FunctionAccess.Network);
        builder.UseWhen<EventAuditMiddleware>(context => context.GetFunctionEntry().AuditsEvent);
        builder.UseWhen<QueueFailureMiddleware>(context => context.GetFunctionEntry().Trigger == FunctionTrigger.Queue);
        return builder;
    }

    // The invoked function's entry in the catalog; an unknown function throws (and is refused).
    public static FunctionEntry GetFunctionEntry(this FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.InstanceServices.GetRequiredService<FunctionCatalog>().Get(context);
    }
}
