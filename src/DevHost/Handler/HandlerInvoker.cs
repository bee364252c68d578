using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microstructures.DevHost.Handler;

internal sealed record InvocationResult(bool Succeeded, int? Status, IReadOnlyList<string> Logs, string? Error);

// Posts non-HTTP invocations to the handler and judges the answer like the host does.
internal sealed class HandlerInvoker(HttpClient client, Func<Uri> handlerBaseUrl, TimeSpan functionTimeout, ILoggerFactory loggerFactory)
{
    public const string HostVersion = "4.1040.0.0";

    private readonly ILogger _logger = loggerFactory.CreateLogger("Microstructures.DevHost.Invocations");

    public async Task<InvocationResult> InvokeAsync(string functionName, JsonObject payload, CancellationToken cancellationToken)
    {
        var invocationId = Guid.NewGuid();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(handlerBaseUrl(), functionName))
        {
            Content = JsonContent.Create(payload),
        };
        request.Headers.Add("X-Azure-Functions-InvocationId", invocationId.ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", HostVersion);
        request.Headers.TryAddWithoutValidation("User-Agent", "Azure-Functions-Host/" + HostVersion);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (functionTimeout != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(functionTimeout);
        }
        _logger.LogInformation("Executing '{Function}' (id {InvocationId})", functionName, invocationId);
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                _logger.LogError("Executed '{Function}' (Failed, id {InvocationId}): handler answered {Status} {Body}",
                    functionName, invocationId, status, Truncate(body));
                return new InvocationResult(false, status, ReadLogs(body, functionName), $"handler answered {status}");
            }
            if (string.IsNullOrWhiteSpace(body) || body.Trim() == "null")
            {
                // The real host never completes such an invocation: it waits until functionTimeout, then fails it.
                _logger.LogError(
                    "'{Function}' (id {InvocationId}) answered {Status} with an empty or null body: the real host would hang until functionTimeout; counted as a failure",
                    functionName, invocationId, status);
                return new InvocationResult(false, status, [], "empty or null body: the real host would hang until functionTimeout");
            }
            if (!IsJsonObject(body))
            {
                _logger.LogError("'{Function}' (id {InvocationId}) answered {Status} with a body that is not a JSON object: {Body}",
                    functionName, invocationId, status, Truncate(body));
                return new InvocationResult(false, status, [], "the body is not a JSON object {Outputs, Logs, ReturnValue}");
            }
            var logs = ReadLogs(body, functionName);
            _logger.LogInformation("Executed '{Function}' (Succeeded, id {InvocationId})", functionName, invocationId);
            return new InvocationResult(true, status, logs, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogError("'{Function}' (id {InvocationId}) timed out after functionTimeout {Timeout}", functionName, invocationId, functionTimeout);
            return new InvocationResult(false, null, [], $"timed out after functionTimeout {functionTimeout}");
        }
        catch (HttpRequestException ex)
        {
            _logger.LogError(ex, "'{Function}' (id {InvocationId}) could not reach the handler", functionName, invocationId);
            return new InvocationResult(false, null, [], ex.Message);
        }
    }

    private List<string> ReadLogs(string body, string functionName)
    {
        var logs = new List<string>();
        try
        {
            if (JsonNode.Parse(body) is JsonObject obj && obj["Logs"] is JsonArray array)
            {
                foreach (var entry in array)
                {
                    var line = entry is JsonValue v && v.TryGetValue<string>(out var s) ? s : entry?.ToJsonString() ?? "";
                    logs.Add(line);
                    _logger.LogInformation("[{Function}] {Log}", functionName, line);
                }
            }
        }
        catch (JsonException)
        {
            // A non-JSON body is only logged: the status decides success.
        }
        return logs;
    }

    private static bool IsJsonObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Truncate(string body) => body.Length <= 2000 ? body : body[..2000] + "…";
}
