using System.Text.Json;
using System.Text.Json.Nodes;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Worker;

namespace Microstructures.DevHost.Admin;

internal static class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        // Like the real host (and `func start`): run a non-HTTP function now, answering 202. `?wait=true`
        // is a DevHost extension: the outcome, with the RpcLog messages of that invocation.
        app.MapPost("/admin/functions/{name}", RunAsync);
        app.MapGet("/admin/host/status", async (DevHostState state, CancellationToken cancellationToken) =>
        {
            // A WorkerStatusRequest's round trip: how promptly the worker answers on its stream.
            TimeSpan? ping = null;
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                limit.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    ping = await state.Workers.PingAsync(limit.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }
            return TypedResults.Ok(new
            {
                id = state.HostId,
                state = state.Workers.State,
                version = WorkerStarter.HostVersion,
                processId = state.Workers.ProcessId,
                workerPingMs = ping?.TotalMilliseconds,
            });
        });
        app.MapGet("/admin/functions", (DevHostState state) =>
            TypedResults.Ok(state.Functions.Select(f => new
            {
                name = f.Name,
                trigger = f.Kind.ToString().ToLowerInvariant(),
                route = f.RouteText,
                methods = f.Methods?.Order(StringComparer.OrdinalIgnoreCase).ToArray(),
                queue = f.QueueName,
                schedule = f.ScheduleText,
            })));
    }

    private static async Task<IResult> RunAsync(string name, bool? wait, HttpRequest request, DevHostState state, ILoggerFactory loggers)
    {
        var function = state.Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
        if (function is null)
        {
            return Results.NotFound();
        }
        string input = "";
        var isPastDue = false;
        if (request.ContentLength is null or > 0)
        {
            try
            {
                if (await JsonNode.ParseAsync(request.Body) is JsonObject body)
                {
                    input = body["input"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : body["input"]?.ToJsonString() ?? "";
                    isPastDue = body["isPastDue"] is JsonValue p && p.TryGetValue<bool>(out var b) && b;
                }
            }
            catch (JsonException)
            {
                return Results.BadRequest(new { error = "the body must be JSON {\"input\": \"...\"}" });
            }
        }
        Func<CancellationToken, Task<InvocationResult>> run;
        switch (function.Kind)
        {
            case TriggerKind.Queue:
                var listener = state.Queues.First(q => q.Function == function);
                run = ct => listener.RunManuallyAsync(input, ct);
                break;
            case TriggerKind.Timer:
                var timer = state.Timers.First(t => t.Function == function);
                run = ct => timer.RunManuallyAsync(isPastDue, ct);
                break;
            default:
                return Results.BadRequest(new { error = $"'{function.Name}' is an HTTP function: call its route instead" });
        }
        loggers.CreateLogger("Microstructures.DevHost.Admin").LogInformation("Manual run of '{Function}'", function.Name);
        var task = run(state.Stopping.Token);
        state.Track(task);
        if (wait != true)
        {
            return Results.StatusCode(StatusCodes.Status202Accepted);
        }
        var result = await task;
        return Results.Ok(new { succeeded = result.Succeeded, status = result.Status, logs = result.Logs, error = result.Error });
    }
}
