using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Microstructures.Functions.Hosting;

// Bad input is a 400 problem+json, never a 500. Any other failure is a 500: for a non-HTTP
// function that non-2xx answer is what makes the host retry the message (then poison it).
public sealed class ErrorHandler(IProblemDetailsService problems, ILogger<ErrorHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var (status, title) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Requête invalide"),
            InvalidInvocationException => (StatusCodes.Status400BadRequest, "Invalid invocation payload"),
            _ => (StatusCodes.Status500InternalServerError, "Erreur interne"),
        };
        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled failure on {Path}", httpContext.Request.Path);
        }
        else
        {
            logger.LogWarning("Rejected {Path}: {Reason}", httpContext.Request.Path, exception.Message);
        }
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = status >= 500 ? "Une erreur inattendue s'est produite. Réessayez plus tard." : exception.Message,
            },
        });
    }
}
