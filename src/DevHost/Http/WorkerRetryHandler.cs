namespace Microstructures.DevHost.Http;

// The host retries forwarding to the worker when the connection fails (RetryProxyHandler):
// 10 attempts in all, waiting 50 ms then doubling up to 250 ms.
internal sealed class WorkerRetryHandler(HttpMessageHandler inner, ILogger logger) : DelegatingHandler(inner)
{
    public const int MaxAttempts = 10;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex) when (attempt < MaxAttempts)
            {
                logger.LogWarning("Forwarding to the worker failed ({Error}); attempt {Attempt} of {Max}, next in {Delay} ms",
                    ex.Message, attempt, MaxAttempts, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
        }
    }
}
