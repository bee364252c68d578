using Microstructures.Core.Email;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Email;

// Every two minutes: queue again e-mails whose queue message was lost, purge expired ones.
public static class SweepPendingEmailsTimer
{
    public const string Name = "SweepPendingEmails";

    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/" + Name, HandleAsync);

    internal static async Task<IResult> HandleAsync(FunctionInvocation invocation, PendingEmailSweeper sweeper, CancellationToken cancellationToken)
    {
        var timer = invocation.GetTimer("timer");
        var report = await sweeper.SweepAsync(cancellationToken);
        return FunctionResults.Completed(
            $"Sweep{(timer.IsPastDue ? " (past due)" : "")}: {report.Queued} queued, {report.Cleared} cleared, {report.Abandoned} abandoned, {report.Purged} purged");
    }
}
