using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The first e-mail of each new registration (RegistrationEmailRelay explains why it is relayed):
//  - queue registration-emails -> RelayRegistrationEmails: records and queues the e-mails of one batch;
//  - every 15 minutes, SweepRegistrationEmails: relays registrations whose relay message was lost.
// Both are safe to run twice: e-mail ids are deterministic and SendEmail sends each once.
public static class RegistrationEmailFunctions
{
    public const string RelayName = "RelayRegistrationEmails";
    public const string SweepName = "SweepRegistrationEmails";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/" + RelayName, RelayAsync);
        app.MapPost("/" + SweepName, SweepAsync);
    }

    internal static async Task<IResult> RelayAsync(FunctionInvocation invocation, RegistrationEmailRelay relay, CancellationToken cancellationToken)
    {
        var message = RegistrationEmailRelay.Parse(invocation.GetString("message"))
            ?? throw new InvalidInvocationException("The registration-emails message is not {\"eventId\", \"registrationIds\": [...], \"attempt\"}.");
        var report = await relay.RelayAsync(message, cancellationToken);
        return FunctionResults.Completed(
            $"Registration e-mails for {message.EventId} (attempt {message.Attempt}): {report.Relayed} relayed, {report.NotYetCommitted} asked again later, {report.GivenUp} never committed");
    }

    internal static async Task<IResult> SweepAsync(FunctionInvocation invocation, RegistrationEmailRelay relay, CancellationToken cancellationToken)
    {
        var timer = invocation.GetTimer("timer");
        var relayed = await relay.SweepAsync(cancellationToken);
        return FunctionResults.Completed($"Registration e-mail sweep{(timer.IsPastDue ? " (past due)" : "")}: {relayed} relayed");
    }
}
