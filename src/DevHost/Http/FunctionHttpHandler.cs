using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Invocations;
using Microstructures.DevHost.Worker;
using Yarp.ReverseProxy.Forwarder;

namespace Microstructures.DevHost.Http;

// What the host does with an HTTP request once its own routes are ruled out: the function whose route
// and methods match (404 otherwise; "/" gets the host's homepage rule), the body limit, then the
// request forwarded to the worker's HttpUri with YARP's default transforms (X-Forwarded-For/-Proto/-Host
// set, Host the worker's) and x-ms-invocation-id, redirects never followed, while the InvocationRequest
// carrying the HTTP trigger's metadata goes over gRPC (GrpcWorkerChannel.SendInvocationRequest,
// DefaultHttpProxyService). A failed invocation is an empty 500 unless the answer has begun.
internal sealed class FunctionHttpHandler(
    WorkerInvoker workers, HttpMessageInvoker invoker, TimeSpan functionTimeout,
    long bodySizeLimit, bool homepageDisabled, Task<IReadOnlyList<FunctionDefinition>> functions, ILogger logger)
{
    public const string InvocationIdHeader = "x-ms-invocation-id";

    // ScriptConstants.DefaultMaxRequestBodySize; FUNCTIONS_REQUEST_BODY_SIZE_LIMIT overrides it.
    public const long DefaultBodySizeLimit = 104857600;

    private static readonly ForwarderRequestConfig ForwardConfig = new() { ActivityTimeout = TimeSpan.FromSeconds(240) };

    public static FunctionDefinition? Match(IReadOnlyList<FunctionDefinition> functions, string path, string method, Dictionary<string, string> routeValues)
    {
        var trimmed = path.Trim('/');
        var segments = trimmed.Length == 0 ? [] : trimmed.Split('/');
        FunctionDefinition? best = null;
        Dictionary<string, string>? bestValues = null;
        foreach (var function in functions)
        {
            if (function.Kind != TriggerKind.Http || (function.Methods is { } methods && !methods.Contains(method)))
            {
                continue;
            }
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (!function.Route!.TryMatch(segments, values))
            {
                continue;
            }
            if (best is null || RouteTemplate.CompareSpecificity(function.Route, best.Route!) < 0)
            {
                best = function;
                bestValues = values;
            }
        }
        foreach (var (key, value) in bestValues ?? [])
        {
            routeValues[key] = value;
        }
        return best;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var routeValues = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<FunctionDefinition> loaded;
        try
        {
            // Requests that arrive while the worker starts wait for it, as the host holds them.
            loaded = await functions.WaitAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        var function = Match(loaded, request.Path.Value ?? "/", request.Method, routeValues);
        if (function is null)
        {
            await NoFunctionAsync(context);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = bodySizeLimit;
        }
        if (request.ContentLength > bodySizeLimit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        RunningWorker worker;
        try
        {
            worker = await workers.WaitReadyAsync(context.RequestAborted);
        }
        catch (WorkerUnavailableException ex)
        {
            logger.LogError("{Method} {Path} → '{Function}': no worker ({Error})", request.Method, request.Path.Value, function.Name, ex.Message);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        // The HTTP binding reads a body that has a Content-Length (for its JSON properties); buffered,
        // so the forward still sends it whole.
        string? bodyText = null;
        if (request.ContentLength > 0)
        {
            request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: bodySizeLimit);
            using (var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 16 * 1024, leaveOpen: true))
            {
                bodyText = await reader.ReadToEndAsync(context.RequestAborted);
            }
            request.Body.Position = 0;
        }

        var invocationId = Guid.NewGuid().ToString();
        var invocation = InvocationRequests.Http(
            invocationId, function, bodyText,
            request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.Count > 0 ? q.Value[^1] ?? "" : "")),
            routeValues,
            request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())));
        // Like the host: TryAdd, so a caller's own x-ms-invocation-id is forwarded as is.
        request.Headers.TryAdd(InvocationIdHeader, invocationId);
        var body = new BodyLimitWatch(request.Body);
        request.Body = body;

        using var limit = WorkerInvoker.NewTimeout(functionTimeout);
        using var forwardStop = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, context.RequestAborted);
        // The forward first, then the InvocationRequest: neither waits for the other.
        var forwarder = context.RequestServices.GetRequiredService<IHttpForwarder>();
        var forward = forwarder.SendAsync(context, worker.HttpUri!.ToString(), invoker, ForwardConfig, HttpTransformer.Default, forwardStop.Token).AsTask();
        var pending = workers.Begin(worker, function, invocation);
        var completion = workers.CompleteAsync(worker, function, pending, functionTimeout, limit, context.RequestAborted);
        if (await Task.WhenAny(forward, completion) == forward && forward.IsCompletedSuccessfully && forward.Result != ForwarderError.None)
        {
            // The request could not reach the worker (its body broke off, or was too large): the worker
            // will never run the function, so its invocation is cancelled rather than waited for.
            worker.Channel.Cancel(invocationId);
            worker.Channel.Forget(invocationId);
            pending.Fail("the request could not be forwarded to the worker: " + forward.Result);
        }
        var result = await completion;
        if (!result.Succeeded)
        {
            // Nothing more to wait for from the worker: let a still-running forward end now.
            await forwardStop.CancelAsync();
        }
        ForwarderError error;
        try
        {
            error = await forward;
        }
        catch (OperationCanceledException)
        {
            error = ForwarderError.RequestCanceled;
        }

        var forwardException = context.GetForwarderErrorFeature()?.Exception;
        if (error != ForwarderError.None && body.TooLarge && !context.Response.HasStarted)
        {
            // Kestrel's limit (MaxRequestBodySize) hit while streaming a body without Content-Length.
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }
        else if ((!result.Succeeded || error != ForwarderError.None) && !context.Response.HasStarted)
        {
            // ExceptionMiddleware: an empty 500 when nothing was written yet.
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
        if (error != ForwarderError.None)
        {
            logger.LogError(forwardException, "{Method} {Path} → '{Function}': forwarding failed ({Error})",
                request.Method, request.Path.Value, function.Name, error);
        }
        logger.LogInformation("{Method} {Path} → '{Function}' → {Status}", request.Method, request.Path.Value, function.Name, context.Response.StatusCode);
    }

    // HomepageMiddleware: "/" that no function answered gets the host's page, or 204 when
    // AzureWebJobsDisableHomepage is true; anything else is 404.
    private async Task NoFunctionAsync(HttpContext context)
    {
        if (context.Request.Path.Value != "/")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (homepageDisabled)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(Pages.Html.Document("L'application de fonctions fonctionne", """
            <p>Hôte local (DevHost) d'un worker .NET isolé. Le vrai hôte Azure Functions affiche ici sa propre page
            d'accueil, sauf si le paramètre <code>AzureWebJobsDisableHomepage</code> vaut <code>true</code> (il répond alors 204).</p>
            <p><a href="/_devhost">Pages du DevHost</a></p>
            """), context.RequestAborted);
    }

    public static long BodySizeLimit(LocalSettings settings) =>
        long.TryParse(settings.Get("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var limit)
            ? limit
            : DefaultBodySizeLimit;

    public static HttpMessageInvoker CreateInvoker(ILogger logger) => new(new WorkerRetryHandler(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    }, logger), disposeHandler: true);
}
