using System.Net;
using Microstructures.Core.Email;
using Microstructures.Core.Health;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Registrations;
using Microstructures.Core.Storage;
using Microstructures.Functions.Email;
using Microstructures.Functions.Health;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;
using Microstructures.Functions.ReferenceData;
using Microstructures.Functions.Registrations;

var builder = WebApplication.CreateBuilder(args);

// The Functions host (or the DevHost) gives the port; it talks to us over loopback only.
if (Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") is { Length: > 0 } portText)
{
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, int.Parse(portText, System.Globalization.CultureInfo.InvariantCulture)));
}

// Framework chatter (a line per request and per outgoing call) drowns the platform's own logs;
// raise them here when debugging the framework itself.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ErrorHandler>();
builder.Services.AddOptions<AppOptions>().BindConfiguration(AppOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddPlatformStorage();
builder.Services.AddSingleton<HealthCheck>();
builder.Services.AddEmail();
builder.Services.AddReferenceData();
builder.Services.AddOptions<ReferenceDataOptions>().BindConfiguration(ReferenceDataOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddHostedService<SampleOrgTreeSeeder>();
builder.Services.AddRegistrations();

var app = builder.Build();

// A missing storage setting fails at start with its name, not at the first request.
_ = app.Services.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>();

app.UseExceptionHandler();
app.UseStatusCodePages();

// Readiness: the host polls GET / until any answer.
app.MapGet("/", () => TypedResults.Ok());

var manage = app.MapManageGroup();
app.MapAssetEndpoints();
app.MapHealthEndpoints();
app.MapEmailEndpoints(manage);
app.MapReferenceDataEndpoints(manage, app.MapNetworkGroup());
// The events staff API records every change in the event's audit trail.
app.MapRegistrationEndpoints(manage.MapGroup("").AddEndpointFilter<EventAuditFilter>());

app.Run();

public partial class Program;
