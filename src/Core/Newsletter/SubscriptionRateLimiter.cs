using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Microstructures.Core.Registrations;

namespace Microstructures.Core.Newsletter;

// Limits well-formed public subscription requests per client address (an IPv6 client by its /64), as
// RegistrationRateLimiter does for registrations: a token bucket refilled evenly over the minute, keys
// hashed into a fixed number of buckets (bounded memory whatever the input; two clients sharing a
// bucket share its budget, which only makes it stricter). A malformed request is refused before it is
// counted. Per e-mail address, RequestEmailInterval already bounds what reaches a mailbox. In memory,
// per instance: it slows a script down, it is not a quota.
public sealed class SubscriptionRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<int> _addresses;

    public SubscriptionRateLimiter(IOptions<NewsletterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perMinute = options.Value.MaxPerIpPerMinute;
        _addresses = PartitionedRateLimiter.Create<int, int>(bucket => RateLimitPartition.GetTokenBucketLimiter(bucket, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
            QueueLimit = 0,
            AutoReplenishment = false, // the partitioned limiter replenishes every partition on its own timer
        }));
    }

    // No client address (a call from inside the platform): not limited.
    public RateLimitDecision TryAcquire(IPAddress? client)
    {
        if (client is null)
        {
            return RateLimitDecision.Allow;
        }
        using var lease = _addresses.AttemptAcquire(RegistrationRateLimiter.AddressBucket(client));
        return lease.IsAcquired
            ? RateLimitDecision.Allow
            : new(false, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromMinutes(1));
    }

    public void Dispose() => _addresses.Dispose();
}
