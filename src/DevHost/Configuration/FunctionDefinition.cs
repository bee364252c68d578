using Microstructures.DevHost.Http;
using NCrontab;

namespace Microstructures.DevHost.Configuration;

internal enum TriggerKind
{
    Http,
    Queue,
    Timer,
}

internal sealed class FunctionDefinition
{
    public required string Name { get; init; }

    public required string FilePath { get; init; }

    public required TriggerKind Kind { get; init; }

    // The trigger binding's `name`: the key of Data in an invocation.
    public required string BindingName { get; init; }

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
