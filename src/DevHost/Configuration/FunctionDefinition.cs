using Microstructures.DevHost.Grpc.Messages;
using Microstructures.DevHost.Http;
using NCrontab;

namespace Microstructures.DevHost.Configuration;

internal enum TriggerKind
{
    Http,
    Queue,
    Timer,
}

// One function as the worker indexed it, validated, with what the DevHost needs to trigger it.
internal sealed record FunctionDefinition
{
    public required string Name { get; init; }

    public required string FunctionId { get; init; }

    // The worker's metadata: the FunctionLoadRequest is built from it.
    public required RpcFunctionMetadata Metadata { get; init; }

    public required TriggerKind Kind { get; init; }

    // The trigger binding's `name`: the name of the invocation's input.
    public required string BindingName { get; init; }

    public BindingInfo.Types.DataType TriggerDataType { get; init; }

    // The route as the host reads it (an empty route is the function's name), and the template matched
    // against request paths, routePrefix included.
    public string? RouteText { get; init; }

    public RouteTemplate? Route { get; init; }

    // Null means any method.
    public IReadOnlySet<string>? Methods { get; init; }

    public string? QueueName { get; init; }

    public string? ConnectionSetting { get; init; }

    public string? ScheduleText { get; init; }

    public CrontabSchedule? Schedule { get; init; }

    public bool RunOnStartup { get; init; }

    public bool UseMonitor { get; init; }
}
