using Microsoft.AspNetCore.Http.Features;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Net.Http.Headers;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Hosting;

// HTTP failures become answers: problem+json in French, or an error page for a browser asking for
// HTML; never the host's empty 500. The ASP.NET Core integration executes a function's IResult only
// after every worker middleware has returned, outside any try: this middleware executes it itself,
// into a buffer (a result that throws half-way must not leave a truncated 200), then hands the
// integration an empty result. Queue and timer functions are left alone: their exceptions reach the
// host, which retries the message and then poisons it.
public sealed partial class HttpErrorMiddleware(ILogger<HttpErrorMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }
        var invocation = context.GetInvocationResult();
        try
        {
            await next(context);
            if (invocation.Value is not IResult result)
            {
                return;
            }
            await ExecuteBufferedAsync(result, http);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested || context.CancellationToken.IsCancellationRequested)
        {
            // The caller has gone: there is no one left to answer.
        }
#pragma warning disable CA1031 // Every failure of an HTTP function is answered; none reaches the host as an empty 500.
        catch (Exception exception) when (!http.Response.HasStarted)
#pragma warning restore CA1031
        {
            await AnswerFailureAsync(http, context.FunctionDefinition.Name, exception);
        }
        invocation.Value = Results.Empty;
    }

    private static async Task ExecuteBufferedAsync(IResult result, HttpContext http)
    {
        var original = http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var buffer = new MemoryStream();
        var buffered = new StreamResponseBodyFeature(buffer, original);
        http.Features.Set<IHttpResponseBodyFeature>(buffered);
        try
        {
            await result.ExecuteAsync(http);
            await buffered.CompleteAsync();
        }
        finally
        {
            http.Features.Set(original);
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    private async Task AnswerFailureAsync(HttpContext http, string function, Exception exception)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Requête invalide", bad.Message),
            _ when StorageOutage.Explains(exception) => (StatusCodes.Status503ServiceUnavailable, "Service momentanément indisponible",
                "Le stockage de la plateforme ne répond pas. Rien n'a été perdu : réessayez dans une minute."),
            _ => (StatusCodes.Status500InternalServerError, "Erreur interne", "Une erreur inattendue s'est produite. Réessayez plus tard."),
        };
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            LogUnavailable(exception, function, http.Request.Path);
        }
        else if (status >= 500)
        {
            LogFailed(exception, function, http.Request.Path);
        }
        else
        {
            LogRejected(function, http.Request.Path, exception.Message);
        }
        http.Response.Clear();
        var answer = WantsPage(http.Request)
            ? PageResults.Notice(new Notice(PageTitles.ForStatus(status), detail), status)
            : TypedResults.Problem(title: title, detail: detail, statusCode: status);
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            answer = new RetryAfterResult(answer, StorageOutage.RetryAfter);
        }
        await ExecuteBufferedAsync(answer, http);
    }

    // A browser navigating to a page asks for HTML; fetch() and API clients do not.
    private static bool WantsPage(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(LogLevel.Error, "Function {Function} failed on {Path}")]
    private partial void LogFailed(Exception exception, string function, string path);

    [LoggerMessage(LogLevel.Error, "Function {Function} could not reach storage on {Path}")]
    private partial void LogUnavailable(Exception exception, string function, string path);

    [LoggerMessage(LogLevel.Warning, "Function {Function} rejected {Path}: {Reason}")]
    private partial void LogRejected(string function, string path, string reason);
}
