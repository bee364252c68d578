using System.Collections.Concurrent;
using Grpc.Core;
using Microstructures.DevHost.Grpc.Messages;

namespace Microstructures.DevHost.Worker;

// The workers the DevHost started and whose StartStream it waits for, by worker id.
internal sealed class WorkerChannelRegistry
{
    private readonly ConcurrentDictionary<string, WorkerChannel> _expected = new(StringComparer.Ordinal);

    public void Expect(WorkerChannel channel) => _expected[channel.WorkerId] = channel;

    public void Forget(string workerId) => _expected.TryRemove(workerId, out _);

    // A worker id opens one stream only.
    public bool TryTake(string workerId, out WorkerChannel channel) => _expected.TryRemove(workerId, out channel!);
}

// AzureFunctionsRpcMessages.FunctionRpc/EventStream: the first message must be StartStream with the id
// of a worker this DevHost started, or the stream is closed (FunctionRpcService in the host).
internal sealed class FunctionRpcService(WorkerChannelRegistry registry, ILoggerFactory loggerFactory) : FunctionRpc.FunctionRpcBase
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Microstructures.DevHost.Grpc");

    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!await requestStream.MoveNext(context.CancellationToken))
        {
            return;
        }
        var first = requestStream.Current;
        if (first.ContentCase != StreamingMessage.ContentOneofCase.StartStream || !registry.TryTake(first.StartStream.WorkerId, out var channel))
        {
            _logger.LogWarning("Closing an EventStream that did not start with the StartStream of a known worker ({Content}, worker id '{WorkerId}')",
                first.ContentCase, first.StartStream?.WorkerId);
            return;
        }
        await channel.RunAsync(requestStream, responseStream, context.CancellationToken);
    }
}
