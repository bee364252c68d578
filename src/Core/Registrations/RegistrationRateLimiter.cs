using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Microstructures.Core.Registrations;

// Fixed-window limits per client IP and per e-mail address. Kept in memory, per instance: it slows
// down a script hammering the form; it is not a quota (a scaled-out app multiplies it by its
// instances, and a restart resets it). Seats stay safe either way: they are guarded by storage.
public sealed class RegistrationRateLimiter(IOptions<RegistrationOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    private sealed class Window(long start)
    {
        public long Start { get; } = start;
        public int Count;
    }

    // True when the attempt is allowed (and counted).
    public bool TryAcquire(string? clientIp, string? email)
    {
        var now = time.GetUtcNow();
        var ipOk = string.IsNullOrEmpty(clientIp) || Take("ip:" + clientIp, now.ToUnixTimeSeconds() / 60, options.Value.MaxPerIpPerMinute);
        var emailOk = string.IsNullOrWhiteSpace(email) || Take("email:" + email.Trim().ToLowerInvariant(), now.ToUnixTimeSeconds() / 3600, options.Value.MaxPerEmailPerHour);
        if (_windows.Count > 50_000)
        {
            Prune(now);
        }
        return ipOk && emailOk;
    }

    private bool Take(string key, long windowStart, int limit)
    {
        var window = _windows.AddOrUpdate(key, _ => new Window(windowStart), (_, w) => w.Start == windowStart ? w : new Window(windowStart));
        return Interlocked.Increment(ref window.Count) <= limit;
    }

    private void Prune(DateTimeOffset now)
    {
        var hour = now.ToUnixTimeSeconds() / 3600;
        foreach (var (key, window) in _windows)
        {
            if (key.StartsWith("ip:", StringComparison.Ordinal) ? window.Start < hour * 60 : window.Start < hour)
            {
                _windows.TryRemove(key, out _);
            }
        }
    }
}
