using System.Diagnostics;
using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microstructures.Core.Common;
using Microstructures.Core.Queues;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microstructures.Functions.Hosting;

public static class TelemetryServiceCollectionExtensions
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    // The platform's metrics (PlatformMetrics) always, and their export with the worker's traces and
    // logs to Application Insights only when APPLICATIONINSIGHTS_CONNECTION_STRING is set: local runs
    // and tests start without it. host.json's "telemetryMode": "OpenTelemetry" makes the Functions host
    // emit its own telemetry (the HTTP requests, the invocations) through OpenTelemetry too, and
    // UseFunctionsWorkerDefaults tells it not to forward the worker's logs a second time.
    // What reaches Application Insights from the worker: the invocation span of each function, the
    // storage calls (Azure SDK spans) and the other HTTP calls (SendGrid) as dependencies, the logs, and
    // the Microstructures meter. Query strings carry tokens (manage links, check-in links) and table
    // filters: the HTTP spans' url.full has its query values redacted by .NET and the OpenTelemetry
    // instrumentation ("?token=Redacted"), Azure SDK spans by Azure.Core's sanitizer ("REDACTED"), and
    // the worker never logs a request's URL (Program.cs keeps Microsoft.AspNetCore at Warning).
    public static IServiceCollection AddPlatformTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddPlatformMetrics();
        services.AddSingleton<PoisonQueueLengths>();
        if (configuration[ConnectionStringSetting] is not { Length: > 0 } connectionString)
        {
            return services;
        }

        var credential = TelemetryAuthentication.Credential(configuration);
        // The Azure SDK's spans (one per storage call, named after the client method) are still opt-in.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing
                .AddSource("Azure.*")
                // Before the exporter's processor (added by UseAzureMonitorExporter below), so it sees the result.
                .AddProcessor(new TableKeyRedactor())
                // An Azure SDK call already has its HTTP span (Azure.Core.Http): not twice. Nor the worker's
                // gRPC stream to the host, open for the worker's lifetime.
                .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = request =>
                    Activity.Current?.Parent?.Source.Name != "Azure.Core.Http"
                    && request.RequestUri?.AbsolutePath.StartsWith("/AzureFunctionsRpcMessages.", StringComparison.Ordinal) != true))
            .WithMetrics(metrics => metrics.AddMeter(PlatformMetrics.MeterName))
            .UseAzureMonitorExporter(o =>
            {
                o.ConnectionString = connectionString;
                o.Credential = credential;
                // Nobody watches a live stream here: no extra connection from every instance.
                o.EnableLiveMetrics = false;
                // A log is kept even when its trace is not (see the sampler below).
                o.EnableTraceBasedLogsSampler = false;
            })
            // After the exporter's own sampler, so this one applies. The host hands each invocation its
            // trace context, flagged "not recorded" when its own tracer did not record one (timer and
            // queue triggers; the DevHost always does), and the worker starts the invocation's span under
            // it: a parent-based sampler would drop that span and everything under it. The platform's
            // volume is small (README, Deploy to Azure: what it costs): everything is recorded.
            .WithTracing(tracing => tracing.SetSampler(new AlwaysOnSampler()));
        return services;
    }
}

// How the exporter authenticates. Application Insights refuses local (key) authentication in Azure
// (infra/modules/monitoring.bicep): ingestion takes an Entra ID token of the user-assigned identity,
// which holds Monitoring Metrics Publisher. The host reads the same setting for its own telemetry
// (APPLICATIONINSIGHTS_AUTHENTICATION_STRING = "ClientId=<client id>;Authorization=AAD"); the worker's
// exporter does not read it by itself, hence this.
public static class TelemetryAuthentication
{
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    // The managed identity to authenticate as: the ClientId of the authentication string, else the
    // storage identity's (the app has one identity); none without either (a local run against a
    // component that accepts its connection string alone). Null when no token is to be sent.
    public static TelemetryIdentity? Identity(string? authenticationString, string? storageClientId)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return string.IsNullOrWhiteSpace(storageClientId) ? null : new TelemetryIdentity(storageClientId);
        }
        string? authorization = null, clientId = null;
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (key, value) = part.IndexOf('=', StringComparison.Ordinal) is var i and > 0
                ? (part[..i].Trim(), part[(i + 1)..].Trim())
                : throw Invalid($"'{part}' is not key=value");
            if (key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                authorization = value;
            }
            else if (key.Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            {
                clientId = value;
            }
            else
            {
                throw Invalid($"unknown key '{key}' (expected Authorization and ClientId)");
            }
        }
        if (!string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("Authorization=AAD is missing");
        }
        clientId = string.IsNullOrEmpty(clientId) ? storageClientId : clientId;
        return new TelemetryIdentity(string.IsNullOrWhiteSpace(clientId) ? null : clientId);
    }

    public static TokenCredential? Credential(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Identity(configuration[AuthenticationStringSetting], configuration["AzureWebJobsStorage:clientId"]) is { } identity
            ? new ManagedIdentityCredential(identity.ClientId is { } id ? ManagedIdentityId.FromUserAssignedClientId(id) : ManagedIdentityId.SystemAssigned)
            : null;
    }

    private static InvalidOperationException Invalid(string problem) =>
        new($"{AuthenticationStringSetting} is invalid: {problem}; expected \"ClientId=<client id of the managed identity>;Authorization=AAD\".");
}

// A managed identity: user-assigned by its client id, or the app's system-assigned one (ClientId null).
public sealed record TelemetryIdentity(string? ClientId);
