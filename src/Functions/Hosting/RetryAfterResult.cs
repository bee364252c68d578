using System.Globalization;

namespace Microstructures.Functions.Hosting;

// An answer that tells the caller how long to wait before trying again (429, 503): the Retry-After
// header in whole seconds, rounded up, beside the answer itself.
public sealed class RetryAfterResult(IResult inner, TimeSpan wait) : IResult
{
    public TimeSpan Wait { get; } = wait;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(Wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(httpContext);
    }
}
