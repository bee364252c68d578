using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Microstructures.Core.Registrations;

// What the limiter decided for one attempt; RetryAfter is how long the caller must wait, read from the
// refused lease (never a guess).
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter)
{
    public static RateLimitDecision Allow { get; } = new(true, TimeSpan.Zero);
}

// Limits on well-formed public registration attempts (the caller validates first: a malformed attempt
// is refused before it is counted, so nobody can spend someone else's budget with garbage):
// - per client address (an IPv6 client by its /64), generous: French mobile networks put many people
//   behind one address; a token bucket refilled evenly over the minute;
// - per e-mail address, strict: a token bucket refilled evenly over the hour.
// Bounded memory and constant work whatever the input: keys are normalised and hashed (the process's
// random HashCode seed, so callers cannot aim at a bucket) into a fixed number of buckets, each a
// partition of System.Threading.RateLimiting's PartitionedRateLimiter. Two keys sharing a bucket share
// its budget, which only ever makes the limit stricter for them. In memory, per instance: it slows a
// script down, it is not a quota (seats are guarded by storage either way).
public sealed class RegistrationRateLimiter : IDisposable
{
    public const int AddressBuckets = 4096;
    public const int EmailBuckets = 4096;
    public const int MaxPartitions = AddressBuckets + EmailBuckets;

    // Longer keys are cut: only valid addresses (254 characters at most) get here.
    private const int MaxEmailLength = 254;

    private readonly PartitionedRateLimiter<int> _addresses;
    private readonly PartitionedRateLimiter<int> _emails;
    private int _partitions;

    public RegistrationRateLimiter(IOptions<RegistrationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perMinute = options.Value.MaxPerIpPerMinute;
        var perHour = options.Value.MaxPerEmailPerHour;
        _addresses = PartitionedRateLimiter.Create<int, int>(bucket => RateLimitPartition.GetTokenBucketLimiter(bucket, _ => Partition(perMinute, TimeSpan.FromMinutes(1))));
        _emails = PartitionedRateLimiter.Create<int, int>(bucket => RateLimitPartition.GetTokenBucketLimiter(bucket, _ => Partition(perHour, TimeSpan.FromHours(1))));
    }

    // How many limiters were created (one per bucket in use; never more than MaxPartitions at once).
    public int PartitionCount => Volatile.Read(ref _partitions);

    // Counts the attempt against the client's address, then against the e-mail address; refused by the
    // first limit it exceeds (an attempt refused for its client address spends nothing of the e-mail's).
    public RateLimitDecision TryAcquire(IPAddress? client, string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        if (client is not null)
        {
            using var byAddress = _addresses.AttemptAcquire(AddressBucket(client));
            if (!byAddress.IsAcquired)
            {
                return Refused(byAddress);
            }
        }
        using var byEmail = _emails.AttemptAcquire(EmailBucket(email));
        return byEmail.IsAcquired ? RateLimitDecision.Allow : Refused(byEmail);
    }

    // The bucket of a client: IPv4 as is (an IPv4-mapped IPv6 address as its IPv4), IPv6 by its /64,
    // the prefix one subscriber is given.
    public static int AddressBucket(IPAddress client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }
        Span<byte> bytes = stackalloc byte[16];
        client.TryWriteBytes(bytes, out var length);
        var hash = new HashCode();
        hash.AddBytes(client.AddressFamily == AddressFamily.InterNetworkV6 ? bytes[..8] : bytes[..length]);
        return (int)((uint)hash.ToHashCode() % AddressBuckets);
    }

    public static int EmailBucket(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var key = email.AsSpan(0, Math.Min(email.Length, MaxEmailLength)).Trim();
        return (int)((uint)string.GetHashCode(key, StringComparison.OrdinalIgnoreCase) % EmailBuckets);
    }

    public void Dispose()
    {
        _addresses.Dispose();
        _emails.Dispose();
    }

    // `limit` attempts at once, then one more every period/limit: the wait after a refusal is short and known.
    private TokenBucketRateLimiterOptions Partition(int limit, TimeSpan period)
    {
        Interlocked.Increment(ref _partitions);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = period / limit,
            QueueLimit = 0,
            AutoReplenishment = false, // the partitioned limiter replenishes every partition on its own timer
        };
    }

    private static RateLimitDecision Refused(RateLimitLease lease) =>
        new(false, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromMinutes(1));
}
