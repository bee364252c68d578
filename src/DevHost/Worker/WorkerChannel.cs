using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microstructures.DevHost.Grpc.Messages;

namespace Microstructures.DevHost.Worker;

// The host's end of one worker's EventStream: one writer (a channel drained by a single loop, so a
// slow message never holds another back), replies matched by function id, invocation id or request id.
internal sealed class WorkerChannel(string workerId, RpcLogWriter logs, ILogger logger)
{
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<WorkerInitResponse> _init = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<FunctionMetadataResponse> _metadata = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FunctionLoadResponse>> _loads = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkerStatusResponse>> _statusRequests = new();
    private readonly ConcurrentDictionary<string, PendingInvocation> _invocations = new();

    public string WorkerId => workerId;

    // StartStream received with this worker's id.
    public Task Connected => _connected.Task;

    // The stream ended (the worker closed it, or the connection broke).
    public Task Closed => _closed.Task;

    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteAsync(responses, stop.Token);
        _connected.TrySetResult();
        try
        {
            while (await requests.MoveNext(stop.Token))
            {
                Dispatch(requests.Current);
            }
        }
        catch (Exception ex) when (ex is IOException or global::Grpc.Core.RpcException or OperationCanceledException or InvalidOperationException)
        {
            logger.LogDebug(ex, "EventStream of worker {WorkerId} ended", workerId);
        }
        finally
        {
            _closed.TrySetResult();
            await stop.CancelAsync();
            await writer;
        }
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken))
            {
                await responses.WriteAsync(message, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or global::Grpc.Core.RpcException or OperationCanceledException or InvalidOperationException)
        {
            logger.LogDebug(ex, "Writing to worker {WorkerId} stopped", workerId);
        }
    }

    public bool Send(StreamingMessage message) => _outbound.Writer.TryWrite(message);

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                _init.TrySetResult(message.WorkerInitResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                _metadata.TrySetResult(message.FunctionMetadataResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                if (_loads.TryGetValue(message.FunctionLoadResponse.FunctionId, out var load))
                {
                    load.TrySetResult(message.FunctionLoadResponse);
                }
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                if (_invocations.TryRemove(message.InvocationResponse.InvocationId, out var pending))
                {
                    pending.Complete(message.InvocationResponse);
                }
                break;
            case StreamingMessage.ContentOneofCase.RpcLog:
                var log = message.RpcLog;
                PendingInvocation? owner = null;
                if (log.InvocationId.Length > 0)
                {
                    _invocations.TryGetValue(log.InvocationId, out owner);
                }
                owner?.AddLog(log.Message);
                logs.Write(log, owner?.FunctionName);
                break;
            case StreamingMessage.ContentOneofCase.WorkerStatusResponse:
                if (_statusRequests.TryRemove(message.RequestId, out var status))
                {
                    status.TrySetResult(message.WorkerStatusResponse);
                }
                break;
            default:
                // The empty reply to WorkerTerminate, and messages the DevHost does not use.
                break;
        }
    }

    public async Task<WorkerInitResponse> InitializeAsync(WorkerInitRequest request, CancellationToken cancellationToken)
    {
        Send(new StreamingMessage { WorkerInitRequest = request });
        return await _init.Task.WaitAsync(cancellationToken);
    }

    public async Task<FunctionMetadataResponse> GetMetadataAsync(string functionAppDirectory, CancellationToken cancellationToken)
    {
        Send(new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = functionAppDirectory } });
        return await _metadata.Task.WaitAsync(cancellationToken);
    }

    // One FunctionLoadRequest per function (the host sends them one by one to this worker); answers come in any order.
    public async Task<IReadOnlyList<FunctionLoadResponse>> LoadAsync(IReadOnlyList<FunctionLoadRequest> requests, CancellationToken cancellationToken)
    {
        var waits = new List<Task<FunctionLoadResponse>>();
        foreach (var request in requests)
        {
            var tcs = _loads.GetOrAdd(request.FunctionId, _ => new TaskCompletionSource<FunctionLoadResponse>(TaskCreationOptions.RunContinuationsAsynchronously));
            waits.Add(tcs.Task);
            Send(new StreamingMessage { FunctionLoadRequest = request });
        }
        return await Task.WhenAll(waits).WaitAsync(cancellationToken);
    }

    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid().ToString();
        var tcs = new TaskCompletionSource<WorkerStatusResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _statusRequests[requestId] = tcs;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Send(new StreamingMessage { RequestId = requestId, WorkerStatusRequest = new WorkerStatusRequest() });
        try
        {
            await tcs.Task.WaitAsync(cancellationToken);
            return watch.Elapsed;
        }
        finally
        {
            _statusRequests.TryRemove(requestId, out _);
        }
    }

    // Registers the invocation before its request is written, so neither its logs nor its answer can be missed.
    public PendingInvocation Begin(InvocationRequest request, string functionName)
    {
        var pending = new PendingInvocation(request.InvocationId, functionName);
        _invocations[request.InvocationId] = pending;
        return pending;
    }

    public void Forget(string invocationId) => _invocations.TryRemove(invocationId, out _);

    public void Cancel(string invocationId) =>
        Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = invocationId } });

    public void Terminate(TimeSpan gracePeriod) =>
        Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(gracePeriod) } });

    // The worker is gone: every running invocation fails with the reason.
    public void FailAll(string error)
    {
        foreach (var id in _invocations.Keys)
        {
            if (_invocations.TryRemove(id, out var pending))
            {
                pending.Fail(error);
            }
        }
        _init.TrySetException(new WorkerUnavailableException(error));
        _metadata.TrySetException(new WorkerUnavailableException(error));
        foreach (var load in _loads.Values)
        {
            load.TrySetException(new WorkerUnavailableException(error));
        }
        _outbound.Writer.TryComplete();
    }
}

// One running invocation: its answer, and the RpcLog messages the worker sent for it.
internal sealed class PendingInvocation(string invocationId, string functionName)
{
    private readonly TaskCompletionSource<InvocationResponse> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _logs = [];

    public string InvocationId => invocationId;

    public string FunctionName => functionName;

    public Task<InvocationResponse> Response => _response.Task;

    public IReadOnlyList<string> Logs
    {
        get
        {
            lock (_logs)
            {
                return [.. _logs];
            }
        }
    }

    public void AddLog(string message)
    {
        lock (_logs)
        {
            _logs.Add(message);
        }
    }

    public void Complete(InvocationResponse response) => _response.TrySetResult(response);

    public void Fail(string error) => _response.TrySetException(new WorkerUnavailableException(error));
}

// The worker process exited, or the DevHost is stopping: the invocation could not complete.
internal sealed class WorkerUnavailableException : Exception
{
    public WorkerUnavailableException()
    {
    }

    public WorkerUnavailableException(string message)
        : base(message)
    {
    }

    public WorkerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
