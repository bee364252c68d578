using System.Net;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;
using Microstructures.Core.Registrations;

namespace Microstructures.Core.Newsletter;

// Limits well-formed public subscription requests per client address (an IPv6 client by its /64), as
// RegistrationRateLimiter does for registrations: a token bucket refilled evenly over the minute, keys
// hashed into a fixed number of buckets in two rows (HashedRateLimiter: bounded memory whatever the
// input; a client pays for another's requests only if they share both of its buckets). A malformed
// request is refused before it is counted. Per e-mail address, RequestEmailInterval already bounds what
// reaches a mailbox. In memory, per instance: it slows a script down, it is not a quota.
public sealed class SubscriptionRateLimiter(IOptions<NewsletterOptions> options) : IDisposable
{
    private readonly HashedRateLimiter _addresses = new(options.Value.MaxPerIpPerMinute, TimeSpan.FromMinutes(1), RegistrationRateLimiter.AddressBuckets);

    // No client address (a call from inside the platform): not limited.
    public RateLimitDecision TryAcquire(IPAddress? client) =>
        client is null ? RateLimitDecision.Allow : _addresses.TryAcquire(RegistrationRateLimiter.AddressHash(client));

    public void Dispose() => _addresses.Dispose();
}
