namespace Microstructures.DevHost.Worker;

// Status is the StatusResult the worker answered (Success, Failure, Cancelled), null when it never answered.
internal sealed record InvocationResult(bool Succeeded, string? Status, IReadOnlyList<string> Logs, string? Error)
{
    public static InvocationResult Unanswered(string error, IReadOnlyList<string>? logs = null) => new(false, null, logs ?? [], error);
}
