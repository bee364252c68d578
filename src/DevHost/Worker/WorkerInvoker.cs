using System.Diagnostics;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Grpc.Messages;

namespace Microstructures.DevHost.Worker;

// Invocations over the worker's stream: the InvocationRequest written at once (never waiting behind
// another), the answer awaited within functionTimeout; a caller that gives up sends InvocationCancel;
// a timeout fails the invocation and restarts the worker, as the host does (WebScriptHostExceptionHandler).
internal sealed class WorkerInvoker(WorkerSupervisor supervisor, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Microstructures.DevHost.Invocations");

    // The worker to invoke, waiting while it (re)starts; throws WorkerUnavailableException when there is none.
    public Task<RunningWorker> WaitReadyAsync(CancellationToken cancellationToken) => supervisor.WaitReadyAsync(cancellationToken);

    public async Task<InvocationResult> InvokeAsync(FunctionDefinition function, Func<string, InvocationRequest> build, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = NewTimeout(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        RunningWorker worker;
        try
        {
            worker = await supervisor.WaitReadyAsync(linked.Token);
        }
        catch (WorkerUnavailableException ex)
        {
            return InvocationResult.Unanswered(ex.Message);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return InvocationResult.Unanswered($"Timeout value of {timeout} was exceeded by function: Functions.{function.Name} (waiting for the worker)");
        }
        var request = build(Guid.NewGuid().ToString());
        var pending = Begin(worker, function, request);
        return await CompleteAsync(worker, function, pending, timeout, limit, cancellationToken);
    }

    // Registers then sends the InvocationRequest: writing is a TryWrite on the stream's channel, never a wait.
    public PendingInvocation Begin(RunningWorker worker, FunctionDefinition function, InvocationRequest request)
    {
        var pending = worker.Channel.Begin(request, function.Name);
        _logger.LogInformation("Executing 'Functions.{Function}' (Id={InvocationId})", function.Name, request.InvocationId);
        if (!worker.Channel.Send(new StreamingMessage { InvocationRequest = request }))
        {
            worker.Channel.Forget(request.InvocationId);
            pending.Fail("the worker's stream is closed");
        }
        return pending;
    }

    public static CancellationTokenSource NewTimeout(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout);

    public async Task<InvocationResult> CompleteAsync(
        RunningWorker worker, FunctionDefinition function, PendingInvocation pending, TimeSpan timeout, CancellationTokenSource limit, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        InvocationResult result;
        try
        {
            var response = await pending.Response.WaitAsync(linked.Token);
            var status = response.Result?.Status ?? StatusResult.Types.Status.Failure;
            result = new InvocationResult(status == StatusResult.Types.Status.Success, status.ToString(), pending.Logs,
                status == StatusResult.Types.Status.Success ? null : WorkerStarter.Describe(response.Result));
        }
        catch (WorkerUnavailableException ex)
        {
            result = InvocationResult.Unanswered(ex.Message, pending.Logs);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The host fails the invocation, then restarts the worker running it (WebScriptHostExceptionHandler).
            worker.Channel.Cancel(pending.InvocationId);
            worker.Channel.Forget(pending.InvocationId);
            result = InvocationResult.Unanswered($"Timeout value of {timeout} was exceeded by function: Functions.{function.Name}", pending.Logs);
            _logger.LogError("{Error}: restarting the worker", result.Error);
            WorkerSupervisor.Restart(worker);
        }
        catch (OperationCanceledException)
        {
            // The caller went away (or the DevHost stops): the worker is told, as the host does.
            worker.Channel.Cancel(pending.InvocationId);
            worker.Channel.Forget(pending.InvocationId);
            result = new InvocationResult(false, "Cancelled", pending.Logs, "the invocation was cancelled");
        }
        _logger.Log(result.Succeeded ? LogLevel.Information : LogLevel.Error,
            "Executed 'Functions.{Function}' ({Outcome}, Id={InvocationId}, Duration={Duration}ms){Error}",
            function.Name, result.Succeeded ? "Succeeded" : "Failed", pending.InvocationId, watch.ElapsedMilliseconds,
            result.Error is null ? "" : ": " + result.Error);
        return result;
    }
}
