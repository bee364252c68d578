using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Microstructures.Functions.Hosting;

// The .NET isolated worker: the Functions host (or the DevHost locally) starts this process, talks to
// it over gRPC and forwards HTTP to its ASP.NET Core integration.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UsePlatformMiddleware();

// Framework chatter (a line per request and per outgoing call) drowns the platform's own logs;
// raise them here when debugging the framework itself.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
builder.Services.AddPlatform(builder.Configuration);

// No "Server: Kestrel" on the worker's answers: the host passes the worker's headers through.
builder.Services.Configure<KestrelServerOptions>(options => options.AddServerHeader = false);

var app = builder.Build();

// A missing storage setting fails at start with its name, not at the first request.
_ = app.Services.GetRequiredService<BlobServiceClient>();

app.Run();

public partial class Program;
