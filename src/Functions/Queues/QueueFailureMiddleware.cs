using System.Globalization;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microstructures.Core.Queues;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Queues;

// Every failed invocation of a queue function is recorded (function, queue, message id, dequeue count,
// exception) before the exception goes back to the host, which retries the message and, at
// maxDequeueCount, copies its body to <queue>-poison under a new id: the staff's poison page joins that
// copy to its last failure by the body's hash. Recording is best effort: a failure to record is logged
// and the function's own exception is what the host sees.
public sealed partial class QueueFailureMiddleware(QueueFailureStore failures, TimeProvider time, ILogger<QueueFailureMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            await RecordAsync(context, exception);
            throw;
        }
    }

    private async Task RecordAsync(FunctionContext context, Exception exception)
    {
        var data = context.BindingContext.BindingData;
        var entry = context.GetFunctionEntry();
        var failure = Unwrap(exception);
        var body = Text(data, "QueueTrigger") ?? "";
        var record = new QueueFailure(
            context.FunctionDefinition.Name, entry.QueueName ?? "", Text(data, "Id") ?? context.InvocationId,
            long.TryParse(Text(data, "DequeueCount")?.Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 0,
            failure.GetType().FullName ?? failure.GetType().Name, failure.Message, time.GetUtcNow(), QueueFailure.Hash(body));
        try
        {
            await failures.RecordAsync(record, CancellationToken.None);
        }
#pragma warning disable CA1031 // The function's exception must reach the host whatever happens here.
        catch (Exception recordFailure)
#pragma warning restore CA1031
        {
            LogNotRecorded(recordFailure, record.FunctionName, record.MessageId);
        }
    }

    // The worker wraps a function's exception when it invokes it by reflection.
    private static Exception Unwrap(Exception exception) =>
        exception is System.Reflection.TargetInvocationException or AggregateException && exception.InnerException is { } inner ? Unwrap(inner) : exception;

    private static string? Text(IReadOnlyDictionary<string, object?> data, string key) =>
        data.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    [LoggerMessage(LogLevel.Error, "The failure of {Function} on message {MessageId} could not be recorded")]
    private partial void LogNotRecorded(Exception exception, string function, string messageId);
}
