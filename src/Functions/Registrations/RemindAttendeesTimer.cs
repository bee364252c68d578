using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// Hourly (UTC): reminders 7 days and 1 day before each event, decided in Paris time; each sent once.
public static class RemindAttendeesTimer
{
    public const string Name = "RemindAttendees";

    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/" + Name, HandleAsync);

    internal static async Task<IResult> HandleAsync(FunctionInvocation invocation, AttendeeReminders reminders, CancellationToken cancellationToken)
    {
        var timer = invocation.GetTimer("timer");
        var report = await reminders.RunAsync(cancellationToken);
        return FunctionResults.Completed($"Reminders{(timer.IsPastDue ? " (past due)" : "")}: {report.Events} upcoming events, {report.Sent} sent, {report.Promoted} promoted");
    }
}
