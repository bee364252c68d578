using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Microstructures.DevHost.TestWorker;

public sealed record Order(string Id, int Quantity);

public sealed class QueueFunctions(ILogger<QueueFunctions> logger)
{
    private static int _slowRunning;

    // Records the message and its trigger metadata; a message starting with "fail" throws.
    [Function("RecordQueue")]
    public async Task RecordAsync([QueueTrigger("%TestQueue%")] string message, FunctionContext context)
    {
        logger.LogInformation("RecordQueue got {Message}", message);
        await TestRecords.WriteAsync(context, new Dictionary<string, object?> { ["Message"] = message });
        if (message.StartsWith("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("boom requested by message");
        }
    }

    [Function("OrderQueue")]
    public static Task OrderAsync([QueueTrigger("%TestOrderQueue%")] Order order, FunctionContext context) =>
        TestRecords.WriteAsync(context, new Dictionary<string, object?> { ["OrderId"] = order.Id, ["Quantity"] = order.Quantity });

    // Takes 1.5 s and records how many of its invocations ran at once.
    [Function("SlowQueue")]
    public static async Task SlowAsync([QueueTrigger("%TestSlowQueue%")] string message, FunctionContext context)
    {
        var concurrent = Interlocked.Increment(ref _slowRunning);
        try
        {
            await Task.Delay(1500);
        }
        finally
        {
            Interlocked.Decrement(ref _slowRunning);
        }
        await TestRecords.WriteAsync(context, new Dictionary<string, object?> { ["Message"] = message, ["Concurrent"] = concurrent });
    }
}
