using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Microstructures.DevHost.TestWorker;

public sealed class HttpFunctions(ILogger<HttpFunctions> logger)
{
    // Answers with what the worker saw of the forwarded request.
    [Function("Echo")]
    public async Task<IResult> EchoAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", Route = "api/echo/{id?}")] HttpRequest request,
        FunctionContext context)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var headers = new JsonObject();
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }
        var routeValues = new JsonObject();
        foreach (var (name, value) in request.RouteValues)
        {
            routeValues[name] = value?.ToString();
        }
        var bindingData = new JsonObject();
        foreach (var (name, value) in context.BindingContext.BindingData)
        {
            bindingData[name] = value?.ToString();
        }
        logger.LogInformation("Echo saw {Method} {Path}", request.Method, request.Path);
        return Results.Json(new JsonObject
        {
            ["method"] = request.Method,
            ["path"] = request.Path.Value,
            ["query"] = request.QueryString.Value,
            ["scheme"] = request.Scheme,
            ["host"] = request.Host.Value,
            ["remoteIp"] = request.HttpContext.Connection.RemoteIpAddress?.ToString(),
            ["bodyLength"] = buffer.Length,
            ["body"] = buffer.Length <= 4096 ? System.Text.Encoding.UTF8.GetString(buffer.ToArray()) : null,
            ["headers"] = headers,
            ["routeValues"] = routeValues,
            ["bindingData"] = bindingData,
            ["invocationId"] = context.InvocationId,
            ["processId"] = Environment.ProcessId,
        });
    }

    // The root, with routePrefix "": a route both the host and the worker read as "/" (an empty route is
    // the function's name for the host but the root for the worker; "/" breaks the worker's routing).
    [Function("Home")]
    public static IResult Home([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{home:maxlength(0)?}")] HttpRequest request) =>
        Results.Text("home of the test worker", "text/plain");

    [Function("Redirect")]
    public static IResult Redirect([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/redirect")] HttpRequest request) =>
        Results.Redirect("/api/echo/moved");

    [Function("Throw")]
    public static IResult Throw([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/throw")] HttpRequest request) =>
        throw new InvalidOperationException("thrown by the test worker before writing");

    // Waits (honouring cancellation) then records whether it was cancelled.
    [Function("Slow")]
    public static Task<IResult> SlowAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/slow/{ms:int}")] HttpRequest request, int ms,
        FunctionContext context, CancellationToken cancellationToken) =>
        WaitThenRecordAsync(ms, context, cancellationToken);

    // Slow, but first records that it runs (partition "WaitStarted"): a test can tell the function is
    // running in the worker, not only that its InvocationRequest was sent.
    [Function("Wait")]
    public static async Task<IResult> WaitAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/wait/{ms:int}")] HttpRequest request, int ms,
        FunctionContext context, CancellationToken cancellationToken)
    {
        await TestRecords.WriteAsync(context, new Dictionary<string, object?>(), "WaitStarted");
        return await WaitThenRecordAsync(ms, context, cancellationToken);
    }

    // Waits (honouring cancellation), then records whether it was cancelled.
    private static async Task<IResult> WaitThenRecordAsync(int ms, FunctionContext context, CancellationToken cancellationToken)
    {
        var cancelled = false;
        try
        {
            await Task.Delay(ms, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
        }
        await TestRecords.WriteAsync(context, new Dictionary<string, object?> { ["Cancelled"] = cancelled });
        return Results.Text(cancelled ? "cancelled" : "done");
    }

    // Ends the worker process with the given exit code, in the middle of an invocation.
    [Function("Crash")]
    public static IResult Crash([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/crash/{code:int}")] HttpRequest request, int code)
    {
        Console.Error.WriteLine($"Unhandled exception. crash requested with exit code {code}");
        Environment.Exit(code);
        return Results.Ok();
    }
}
