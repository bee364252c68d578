using Microsoft.Extensions.Options;

namespace Microstructures.Core.Newsletter;

// Spaces this instance's provider calls to at most ThrottleCallsPerSecond, however many batches run at
// once (each caller reserves the next free slot). It paces real calls and decides nothing, so it uses
// the real clock (TimeProvider.System), not the injected one that tests move by hand.
public sealed class NewsletterThrottle(IOptions<NewsletterOptions> options)
{
    private readonly Lock _lock = new();
    private long _next;

    public async Task WaitAsync(CancellationToken cancellationToken = default)
    {
        var clock = TimeProvider.System;
        var interval = (long)(clock.TimestampFrequency / options.Value.ThrottleCallsPerSecond);
        long now, slot;
        lock (_lock)
        {
            now = clock.GetTimestamp();
            slot = Math.Max(now, _next);
            _next = slot + interval;
        }
        if (slot > now)
        {
            await Task.Delay(clock.GetElapsedTime(now, slot), clock, cancellationToken);
        }
    }
}
