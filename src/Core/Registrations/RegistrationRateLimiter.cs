using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;

namespace Microstructures.Core.Registrations;

// Limits on well-formed public registration attempts (the caller validates first: a malformed attempt
// is refused before it is counted, so nobody can spend someone else's budget with garbage):
// - per client address (an IPv6 client by its /64), generous: French mobile networks put many people
//   behind one address; a token bucket refilled evenly over the minute;
// - per e-mail address, strict: a token bucket refilled evenly over the hour.
// Bounded memory and constant work whatever the input: keys are normalised and hashed (the process's
// random HashCode seed, so callers cannot aim at a bucket) into a fixed number of buckets in two rows
// (HashedRateLimiter: a key pays for another's attempts only if they share both of its buckets). In
// memory, per instance: it slows a script down, it is not a quota (seats are guarded by storage either way).
public sealed class RegistrationRateLimiter : IDisposable
{
    public const int AddressBuckets = 4096;
    public const int EmailBuckets = 4096;
    public const int MaxPartitions = HashedRateLimiter.Rows * (AddressBuckets + EmailBuckets);

    // Longer keys are cut: only valid addresses (254 characters at most) get here.
    private const int MaxEmailLength = 254;

    private readonly HashedRateLimiter _addresses;
    private readonly HashedRateLimiter _emails;

    public RegistrationRateLimiter(IOptions<RegistrationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _addresses = new HashedRateLimiter(options.Value.MaxPerIpPerMinute, TimeSpan.FromMinutes(1), AddressBuckets);
        _emails = new HashedRateLimiter(options.Value.MaxPerEmailPerHour, TimeSpan.FromHours(1), EmailBuckets);
    }

    // How many token buckets were ever created (never more than MaxPartitions alive at once).
    public int PartitionCount => _addresses.PartitionCount + _emails.PartitionCount;

    // The e-mail address's buckets, one per row (for tests: which addresses share a bucket).
    public int EmailBucket(string email, int row) => _emails.Bucket(EmailHash(email), row);

    // Counts the attempt against the client's address, then against the e-mail address; refused by the
    // first limit it exceeds (an attempt refused for its client address spends nothing of the e-mail's).
    public RateLimitDecision TryAcquire(IPAddress? client, string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        if (client is not null && _addresses.TryAcquire(AddressHash(client)) is { Allowed: false } byAddress)
        {
            return byAddress;
        }
        return _emails.TryAcquire(EmailHash(email));
    }

    // The hash of a client: IPv4 as is (an IPv4-mapped IPv6 address as its IPv4), IPv6 by its /64,
    // the prefix one subscriber is given.
    public static int AddressHash(IPAddress client)
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
        return hash.ToHashCode();
    }

    public static int EmailHash(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var key = email.AsSpan(0, Math.Min(email.Length, MaxEmailLength)).Trim();
        return string.GetHashCode(key, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose()
    {
        _addresses.Dispose();
        _emails.Dispose();
    }
}
