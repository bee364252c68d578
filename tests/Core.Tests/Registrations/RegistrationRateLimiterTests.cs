using System.Net;
using Microsoft.Extensions.Options;
using Microstructures.Core.Registrations;

namespace Microstructures.Core.Tests.Registrations;

public sealed class RegistrationRateLimiterTests
{
    private static RegistrationRateLimiter Limiter(int perAddress = 60, int perEmail = 5) =>
        new(Options.Create(new RegistrationOptions { SigningKey = new string('k', 32), MaxPerIpPerMinute = perAddress, MaxPerEmailPerHour = perEmail }));

    // Whatever a caller sends, the limiter remembers a bounded number of keys: 10,000 attempts with
    // made-up 64 KB addresses from 10,000 made-up clients do not grow it past its buckets.
    [Fact]
    public void TenThousandOversizedAttemptsMapToABoundedNumberOfKeys()
    {
        using var limiter = Limiter();
        var padding = new string('x', 64 * 1024);

        for (var i = 0; i < 10_000; i++)
        {
            var client = i % 2 == 0 ? IPAddress.Parse($"2001:db8:{i:x}::1") : new IPAddress(BitConverter.GetBytes(0x0A000000 + i));
            limiter.TryAcquire(client, $"{padding}{i}@example.org");
        }

        Assert.InRange(limiter.PartitionCount, 1, RegistrationRateLimiter.MaxPartitions);
    }

    // An IPv6 subscriber gets a /64: changing the last 64 bits does not make a new client.
    [Fact]
    public void AnIpv6ClientIsItsSlash64AndAMappedIpv4IsItsIpv4()
    {
        Assert.Equal(RegistrationRateLimiter.AddressHash(IPAddress.Parse("2001:db8:1:2::1")), RegistrationRateLimiter.AddressHash(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:fffe")));
        Assert.Equal(RegistrationRateLimiter.AddressHash(IPAddress.Parse("198.51.100.7")), RegistrationRateLimiter.AddressHash(IPAddress.Parse("::ffff:198.51.100.7")));
    }

    [Fact]
    public void ARefusalSaysHowLongToWait()
    {
        using var limiter = Limiter(perEmail: 2);
        var client = IPAddress.Parse("198.51.100.7");

        var decisions = Enumerable.Range(0, 3).Select(_ => limiter.TryAcquire(client, "camille@example.org")).ToList();

        Assert.Equal([true, true, false], decisions.Select(d => d.Allowed));
        // Two an hour: one more every 30 minutes.
        Assert.InRange(decisions[2].RetryAfter, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30));
    }

    // Keys share buckets (bounded memory), but a registrant pays for someone else's attempts only when
    // both of their buckets are shared: an address in the same first-row bucket as one whose budget is
    // spent still gets its own two attempts. (With one row it got none: the flake of
    // RegistrationRateLimitTests in CI, an address landing in the bucket of the test before it.)
    [Fact]
    public void AnAddressSharingABucketWithASpentOneStillHasItsOwnBudget()
    {
        using var limiter = Limiter(perEmail: 2);
        var client = IPAddress.Parse("198.51.100.7");
        const string spent = "voisin@example.org";
        var neighbour = Enumerable.Range(0, 1_000_000).Select(i => $"camille{i}@example.org")
            .First(a => limiter.EmailBucket(a, 0) == limiter.EmailBucket(spent, 0) && limiter.EmailBucket(a, 1) != limiter.EmailBucket(spent, 1));
        Assert.Equal([true, true, false], Enumerable.Range(0, 3).Select(_ => limiter.TryAcquire(client, spent).Allowed));

        var decisions = Enumerable.Range(0, 3).Select(_ => limiter.TryAcquire(client, neighbour).Allowed).ToList();

        Assert.Equal([true, true, false], decisions);
    }
}
