using System.Collections.Concurrent;
using System.Text.Json.Nodes;

// A minimal custom handler for DevHost tests: it records what the DevHost sends and answers
// according to the function's name (Fail* → 500, Empty* → 200 with no body, Slow* → success after
// 1.5 s, anything else → success). Each record notes how many invocations of that function were
// running at once, so tests can check the DevHost's concurrency rules without timing anything.
var port = Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT")
    ?? throw new InvalidOperationException("FUNCTIONS_CUSTOMHANDLER_PORT is not set");
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.ClearProviders();
var app = builder.Build();
var invocations = new ConcurrentQueue<JsonObject>();
var running = new ConcurrentDictionary<string, int>();

app.MapGet("/", () => Results.Ok());
app.MapGet("/_test/invocations", () => Results.Text(new JsonArray([.. invocations.Select(i => i.DeepClone())]).ToJsonString(), "application/json"));
app.MapGet("/_test/environment/{name}", (string name) => Results.Text(Environment.GetEnvironmentVariable(name) ?? ""));

// HTTP functions arrive under /api: echo what was forwarded (…/redirect answers 302 to /api/events/moved).
app.Map("/api/{**rest}", async (HttpContext context) =>
{
    if (context.Request.Path.Value!.EndsWith("/redirect", StringComparison.Ordinal))
    {
        return Results.Redirect("/api/events/moved");
    }
    using var reader = new StreamReader(context.Request.Body);
    var body = await reader.ReadToEndAsync();
    var headers = new JsonObject();
    foreach (var (name, values) in context.Request.Headers)
    {
        headers[name] = values.ToString();
    }
    return Results.Json(new
    {
        method = context.Request.Method,
        path = context.Request.Path.Value,
        query = context.Request.QueryString.Value,
        headers,
        bodyLength = body.Length,
        body,
    });
});

app.MapPost("/{function}", async (string function, HttpContext context) =>
{
    using var reader = new StreamReader(context.Request.Body);
    var body = await reader.ReadToEndAsync();
    var headers = new JsonObject();
    foreach (var (name, values) in context.Request.Headers)
    {
        headers[name] = values.ToString();
    }
    var concurrent = running.AddOrUpdate(function, 1, (_, n) => n + 1);
    invocations.Enqueue(new JsonObject { ["function"] = function, ["body"] = body, ["headers"] = headers, ["concurrent"] = concurrent });
    try
    {
        if (function.StartsWith("Slow", StringComparison.Ordinal))
        {
            await Task.Delay(1500);
        }
    }
    finally
    {
        running.AddOrUpdate(function, 0, (_, n) => n - 1);
    }
    if (function.StartsWith("Fail", StringComparison.Ordinal))
    {
        return Results.Text("{\"error\":\"boom\"}", "application/json", statusCode: 500);
    }
    if (function.StartsWith("Empty", StringComparison.Ordinal))
    {
        return Results.Ok();
    }
    return Results.Text($"{{\"Outputs\":{{}},\"Logs\":[\"handled {function}\"],\"ReturnValue\":null}}", "application/json");
});

app.Run();
