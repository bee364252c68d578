using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// Daily at 03:30 UTC: erase accessibility needs of ended events, purge registrants past retention.
public static class PurgeRegistrationsTimer
{
    public const string Name = "PurgeRegistrations";

    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/" + Name, HandleAsync);

    internal static async Task<IResult> HandleAsync(FunctionInvocation invocation, RegistrationPurge purge, CancellationToken cancellationToken)
    {
        var timer = invocation.GetTimer("timer");
        var report = await purge.RunAsync(cancellationToken);
        return FunctionResults.Completed($"Retention{(timer.IsPastDue ? " (past due)" : "")}: {report.NeedsErased} accessibility answers erased, {report.EventsPurged} events purged, {report.RowsDeleted} rows deleted");
    }
}
