using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Microstructures.DevHost.Worker;

// The host's gRPC server (AspNetCoreGrpcHostBuilder): Kestrel on 127.0.0.1, a free port, HTTP/2
// without TLS only, no message size limit.
internal sealed class GrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcServer(WebApplication app, Uri uri)
    {
        _app = app;
        Uri = uri;
    }

    // What --functions-uri carries: new Uri("http://127.0.0.1:<port>").AbsoluteUri, hence the trailing slash.
    public Uri Uri { get; }

    public WorkerChannelRegistry Registry => _app.Services.GetRequiredService<WorkerChannelRegistry>();

    public static async Task<GrpcServer> StartAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var builder = LoopbackAppBuilder.Create(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = int.MaxValue;
            grpc.MaxSendMessageSize = int.MaxValue;
        });
        builder.Services.AddSingleton<WorkerChannelRegistry>();
        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GrpcServer(app, new Uri(new Uri($"http://127.0.0.1:{new Uri(address).Port}").AbsoluteUri));
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(stop.Token);
        }
        await _app.DisposeAsync();
    }
}
