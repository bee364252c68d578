using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Microstructures.DevHost.Sink;

// A SendGrid-compatible /v3/mail/send and the outbox read API (DevHost-only conveniences).
internal static class SinkEndpoints
{
    public static void MapSink(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v3/mail/send", SendAsync);

        var faults = app.MapGroup("/_devhost/sink/faults");
        faults.MapPost("", async (HttpRequest request, SinkFaults sinkFaults) =>
        {
            var body = await JsonNode.ParseAsync(request.Body) as JsonObject;
            var status = body?["status"]?.GetValue<int>() ?? 500;
            var count = body?["count"]?.GetValue<int>() ?? 1;
            var stall = body?["stall"]?.GetValue<string>() switch
            {
                null => SinkStall.None,
                "before" => SinkStall.BeforeStoring,
                "after" => SinkStall.AfterStoring,
                _ => (SinkStall?)null,
            };
            if (stall is null)
            {
                return Results.BadRequest(new { error = "stall must be \"before\" or \"after\"" });
            }
            sinkFaults.Set(status, count, stall.Value);
            return Results.Ok(new { status, count, stall = body?["stall"]?.GetValue<string>() });
        });
        faults.MapGet("", (SinkFaults sinkFaults) => TypedResults.Ok(new { held = sinkFaults.Held }));
        faults.MapDelete("", (SinkFaults sinkFaults) =>
        {
            sinkFaults.Clear();
            return TypedResults.NoContent();
        });

        app.MapPost("/_devhost/sink/events", PostEventAsync);

        app.MapGet("/_devhost/outbox", async (string? to, string? since, OutboxStore store, CancellationToken cancellationToken) =>
        {
            DateTimeOffset? sinceValue = null;
            if (!string.IsNullOrEmpty(since))
            {
                if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return Results.BadRequest(new { error = "since must be an ISO 8601 date-time" });
                }
                sinceValue = parsed;
            }
            var messages = await store.ListAsync(to, sinceValue, cancellationToken);
            return Results.Json(messages.Select(OutboxStore.Summary).ToList());
        });

        app.MapGet("/_devhost/outbox/{id}/attachments/{filename}", async (string id, string filename, OutboxStore store, CancellationToken cancellationToken) =>
        {
            var message = await store.FindAsync(id, cancellationToken);
            var attachment = message?.Attachments.FirstOrDefault(a => a.Filename == filename);
            return attachment is null
                ? Results.NotFound()
                : Results.File(Convert.FromBase64String(attachment.Content), attachment.Type ?? "application/octet-stream", attachment.Filename);
        });

        // An inline part (an image the HTML shows as cid:<Content-ID>), for the outbox page's viewer.
        app.MapGet("/_devhost/outbox/{id}/inline/{contentId}", async (string id, string contentId, OutboxStore store, CancellationToken cancellationToken) =>
        {
            var message = await store.FindAsync(id, cancellationToken);
            var part = message?.Attachments.FirstOrDefault(a => a.ContentId == contentId);
            return part is null
                ? Results.NotFound()
                : Results.File(Convert.FromBase64String(part.Content), part.Type ?? "application/octet-stream");
        });

        app.MapGet("/_devhost/outbox/page", OutboxPage.RenderAsync);
        app.MapGet("/_devhost/outbox.html", OutboxPage.RenderAsync);
    }

    private static async Task<IResult> SendAsync(HttpRequest request, OutboxStore store, SinkFaults faults, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("Microstructures.DevHost.Sink");
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization["Bearer ".Length..].Trim().Length == 0)
        {
            return Errors(StatusCodes.Status401Unauthorized, [new SendGridError("The provided authorization grant is invalid, expired, or revoked", null)]);
        }
        var fault = faults.TakeNext();
        if (fault is { Stall: SinkStall.None })
        {
            logger.LogWarning("Sink: injected fault, answering {Status} without storing", fault.Status);
            return Errors(fault.Status, [new SendGridError("Injected fault (DevHost sink)", null)]);
        }
        if (fault is { Stall: SinkStall.BeforeStoring })
        {
            logger.LogWarning("Sink: injected fault, holding a send before storing it");
            await faults.HoldAsync(cancellationToken);
        }
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        var sgMessageId = Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var (parsed, errors) = SendGridRequest.Parse(body, sgMessageId, time.GetUtcNow());
        if (parsed is null)
        {
            logger.LogWarning("Sink: rejected a send with {Count} errors, first: {Message}", errors.Count, errors[0].Message);
            return Errors(StatusCodes.Status400BadRequest, errors);
        }
        if (parsed.SandboxMode)
        {
            // SendGrid validates a sandbox-mode request and answers 200 without sending anything.
            return Results.Ok();
        }
        await store.SaveAsync(parsed.Messages, cancellationToken);
        foreach (var message in parsed.Messages)
        {
            logger.LogInformation("Sink: stored e-mail {MessageId} to {To}: {Subject}",
                message.Id, string.Join(", ", message.To.Select(a => a.Email)), message.Subject);
        }
        if (fault is { Stall: SinkStall.AfterStoring })
        {
            logger.LogWarning("Sink: injected fault, holding the answer of a stored send");
            await faults.HoldAsync(cancellationToken);
        }
        request.HttpContext.Response.Headers["X-Message-Id"] = sgMessageId;
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    // {"messageId": "<outbox id>", "event": "bounce"}: the provider's signed event for that stored message,
    // posted to the app's /api/email/events. The outbox page's buttons post the same fields as a form and
    // are sent back to the page, which tells the app's answer.
    private static async Task<IResult> PostEventAsync(HttpRequest request, OutboxStore store, SinkEvents sinkEvents, IServer server, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        string? messageId, kind;
        var fromPage = request.HasFormContentType;
        if (fromPage)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            (messageId, kind) = (form["messageId"].FirstOrDefault(), form["event"].FirstOrDefault());
        }
        else
        {
            JsonObject? body;
            try
            {
                body = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                body = null;
            }
            (messageId, kind) = (Str(body?["messageId"]), Str(body?["event"]));
        }
        if (string.IsNullOrEmpty(messageId) || kind is null || !SinkEvents.Kinds.Contains(kind))
        {
            return Results.BadRequest(new { error = "expected {\"messageId\": \"<outbox id>\", \"event\": \"" + string.Join("\" | \"", SinkEvents.Kinds) + "\"}" });
        }
        if (sinkEvents.Unavailable() is { } why)
        {
            return Results.Problem(title: "Événements du fournisseur non configurés", detail: why, statusCode: StatusCodes.Status409Conflict);
        }
        var message = await store.FindAsync(messageId, cancellationToken);
        if (message is null)
        {
            return Results.NotFound(new { error = "no message " + messageId + " in the outbox" });
        }
        var address = server.Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseUrl = new Uri($"http://127.0.0.1:{new Uri(address).Port}/");
        var (status, answer, events) = await sinkEvents.PostAsync(baseUrl, message, kind, time.GetUtcNow(), cancellationToken);
        loggers.CreateLogger("Microstructures.DevHost.Sink").LogInformation("Sink: posted a signed {Event} event for e-mail {MessageId}, the app answered {Status}", kind, message.Id, status);
        if (fromPage)
        {
            // 303: the browser comes back to the page with a GET, which tells the app's answer.
            request.HttpContext.Response.Headers.Location = $"/_devhost/outbox/page?id={Uri.EscapeDataString(message.Id)}&posted={Uri.EscapeDataString(kind)}&status={status}";
            return Results.StatusCode(StatusCodes.Status303SeeOther);
        }
        JsonNode? appAnswer;
        try
        {
            appAnswer = string.IsNullOrEmpty(answer) ? null : JsonNode.Parse(answer);
        }
        catch (System.Text.Json.JsonException)
        {
            appAnswer = answer;
        }
        return Results.Json(new { appStatus = status, appAnswer, events }, statusCode: status is >= 200 and < 300 ? StatusCodes.Status200OK : StatusCodes.Status502BadGateway);
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static IResult Errors(int status, IReadOnlyList<SendGridError> errors) => Results.Json(
        new { errors = errors.Select(e => new { message = e.Message, field = e.Field, help = (string?)null }) },
        statusCode: status);
}
