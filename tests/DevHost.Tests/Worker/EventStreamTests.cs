using Grpc.Core;
using Grpc.Net.Client;
using Microstructures.DevHost.Grpc.Messages;
using Microstructures.DevHost.Tests.Http;

namespace Microstructures.DevHost.Tests.Worker;

// The gRPC service as a stranger meets it: only a worker this DevHost started may open a stream.
public sealed class EventStreamTests(HttpForwardingFixture fixture) : IClassFixture<HttpForwardingFixture>
{
    private static readonly Marshaller<StreamingMessage> Marshaller =
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), StreamingMessage.Parser.ParseFrom);

    private static readonly Method<StreamingMessage, StreamingMessage> EventStream = new(
        MethodType.DuplexStreaming, "AzureFunctionsRpcMessages.FunctionRpc", "EventStream", Marshaller, Marshaller);

    private async Task<bool> StreamAnswersAsync(StreamingMessage first)
    {
        using var channel = GrpcChannel.ForAddress(fixture.Host.Server.GrpcUri);
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(EventStream, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)));
        await call.RequestStream.WriteAsync(first);
        return await call.ResponseStream.MoveNext(CancellationToken.None);
    }

    [Fact]
    public async Task AStartStreamWithAnUnknownWorkerIdClosesTheStream()
    {
        Assert.False(await StreamAnswersAsync(new StreamingMessage { StartStream = new StartStream { WorkerId = Guid.NewGuid().ToString() } }));
    }

    [Fact]
    public async Task AStreamThatDoesNotStartWithStartStreamIsClosed()
    {
        Assert.False(await StreamAnswersAsync(new StreamingMessage { WorkerStatusResponse = new WorkerStatusResponse() }));
    }

    [Fact]
    public async Task TheServerIsHttp2OnlyOnLoopback()
    {
        Assert.Equal("127.0.0.1", fixture.Host.Server.GrpcUri.Host);
        using var http1 = new HttpClient();
        using var response = await http1.GetAsync(fixture.Host.Server.GrpcUri);
        // Kestrel's answer to HTTP/1.x on an HTTP/2-only endpoint.
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("An HTTP/1.x request was sent to an HTTP/2 only endpoint", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
