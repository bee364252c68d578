using System.Text.Json;
using Microsoft.Azure.Functions.Worker;

namespace Microstructures.DevHost.TestWorker;

public sealed class TimerFunctions
{
    private static int _tickRunning;

    // Records the TimerInfo the worker built from the host's payload.
    [Function("RecordTimer")]
    public static Task RecordAsync([TimerTrigger("%TestTimerSchedule%")] TimerInfo timer, FunctionContext context) =>
        TestRecords.WriteAsync(context, new Dictionary<string, object?> { ["TimerInfo"] = JsonSerializer.Serialize(timer) });

    [Function("FailingTimer")]
    public static async Task FailAsync([TimerTrigger("%TestTimerSchedule%")] TimerInfo timer, FunctionContext context)
    {
        await TestRecords.WriteAsync(context, new Dictionary<string, object?> { ["TimerInfo"] = JsonSerializer.Serialize(timer) });
        throw new InvalidOperationException("the failing timer failed");
    }

    // Every second in the tests that enable it, while a run takes 1.5 s.
    [Function("SlowTicker")]
    public static async Task TickAsync([TimerTrigger("%TestTickSchedule%")] TimerInfo timer, FunctionContext context)
    {
        var concurrent = Interlocked.Increment(ref _tickRunning);
        try
        {
            await Task.Delay(1500);
        }
        finally
        {
            Interlocked.Decrement(ref _tickRunning);
        }
        await TestRecords.WriteAsync(context, new Dictionary<string, object?> { ["TimerInfo"] = JsonSerializer.Serialize(timer), ["Concurrent"] = concurrent });
    }

    [Function("StartupTimer")]
    public static Task StartupAsync([TimerTrigger("0 0 3 1 1 *", RunOnStartup = true, UseMonitor = false)] TimerInfo timer, FunctionContext context) =>
        TestRecords.WriteAsync(context, new Dictionary<string, object?> { ["TimerInfo"] = JsonSerializer.Serialize(timer) });
}
