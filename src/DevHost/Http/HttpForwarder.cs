using System.Net;
using System.Text;
using Microstructures.DevHost.Configuration;

namespace Microstructures.DevHost.Http;

// Forwards /<routePrefix>/... to the handler by the host's rules for enableForwardingHttpRequest.
internal sealed class HttpForwarder(
    IReadOnlyList<FunctionDefinition> functions, string routePrefix, HttpClient client, Func<Uri> handlerBaseUrl, TimeSpan functionTimeout, ILogger logger)
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    private readonly FunctionDefinition[] _httpFunctions = functions.Where(f => f.Kind == TriggerKind.Http).ToArray();

    public FunctionDefinition? Match(string path, string method)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.None).ToList();
        if (segments is [""])
        {
            segments.Clear();
        }
        if (routePrefix.Length > 0)
        {
            var prefix = routePrefix.Split('/');
            if (segments.Count < prefix.Length
                || !prefix.Select((p, i) => string.Equals(p, segments[i], StringComparison.OrdinalIgnoreCase)).All(b => b))
            {
                return null;
            }
            segments.RemoveRange(0, prefix.Length);
        }
        FunctionDefinition? best = null;
        foreach (var function in _httpFunctions)
        {
            if (function.Methods is { } methods && !methods.Contains(method))
            {
                continue;
            }
            if (!function.Route!.Matches(segments))
            {
                continue;
            }
            if (best is null || RouteTemplate.CompareSpecificity(function.Route, best.Route!) < 0)
            {
                best = function;
            }
        }
        return best;
    }

    public async Task ForwardAsync(HttpContext context)
    {
        var incoming = context.Request;
        var function = Match(incoming.Path.Value ?? "/", incoming.Method);
        if (function is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var target = new UriBuilder(handlerBaseUrl())
        {
            Path = incoming.PathBase.Add(incoming.Path).ToUriComponent(),
            Query = JoinQuery(incoming.Query),
        }.Uri;
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), target);

        // The host reads the body only when Content-Length says there is one: a chunked upload arrives empty.
        if (incoming.ContentLength > 0)
        {
            request.Content = new StreamContent(incoming.Body);
        }
        // Headers named by Connection are hop-by-hop too (RFC 9110 7.6.1).
        var connectionTokens = incoming.Headers.Connection.ToString()
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name) || connectionTokens.Contains(name) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
                continue;
            }
            request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
        }
        if (incoming.Headers.Host.Count > 0)
        {
            request.Headers.Host = incoming.Headers.Host.ToString();
        }
        // Like a proxy: the first hop stays the caller's claimed one, the connection's address is appended.
        var remote = context.Connection.RemoteIpAddress?.ToString() ?? IPAddress.Loopback.ToString();
        var existing = incoming.Headers["X-Forwarded-For"].ToString();
        request.Headers.Remove("X-Forwarded-For");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", existing.Length > 0 ? existing + ", " + remote : remote);
        request.Headers.Remove("X-Forwarded-Proto");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "http");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (functionTimeout != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(functionTimeout);
        }
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            logger.LogError(ex, "Forwarding {Method} {Path} to '{Function}' failed", incoming.Method, incoming.Path.Value, function.Name);
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            logger.LogError("'{Function}' did not answer {Method} {Path} within functionTimeout {Timeout}",
                function.Name, incoming.Method, incoming.Path.Value, functionTimeout);
            context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
            return;
        }
        using (response)
        {
            logger.LogInformation("{Method} {Path} → '{Function}' → {Status}", incoming.Method, incoming.Path.Value, function.Name, (int)response.StatusCode);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(header.Key))
                {
                    context.Response.Headers[header.Key] = header.Value.ToArray();
                }
            }
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            await body.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }

    // The host rebuilds the query from the parsed collection: repeated keys arrive joined with commas.
    internal static string JoinQuery(IQueryCollection query)
    {
        var builder = new StringBuilder();
        foreach (var (key, values) in query)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }
            builder.Append(Uri.EscapeDataString(key)).Append('=')
                .AppendJoin(',', values.Select(v => Uri.EscapeDataString(v ?? "")));
        }
        return builder.ToString();
    }
}
