using System.Threading.RateLimiting;

namespace Microstructures.Core.Common;

// What a limiter decided for one attempt; RetryAfter is how long the caller must wait, read from the
// refused lease (never a guess).
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter)
{
    public static RateLimitDecision Allow { get; } = new(true, TimeSpan.Zero);
}

// A per-key limit (a token bucket of `limit` attempts refilled evenly over `period`) with bounded
// memory and constant work whatever the keys: a key's 32-bit hash (the process's random HashCode seed,
// so callers cannot aim at a bucket) picks one bucket in each of two rows of `buckets` token buckets
// (System.Threading.RateLimiting partitions). An attempt goes through while either of its two buckets
// has a token, and spends a token in each that has one; it is refused once both are empty. A key alone
// in its buckets drains both together and gets exactly its budget; a key that shares one bucket with a
// busy neighbour still has the other: only a key sharing both (about 1 in buckets² for two keys) pays
// for someone else's attempts. With a single row, about 1 pair of keys in `buckets` would share one
// budget: two registrants, or a test's address and the one before it. The price: the two buckets of a
// key refill on their own, so a script that never pauses can get up to twice the sustained rate (one
// token from each in turn as they refill a moment apart); the first burst is exact. The limit slows a
// script down, it is not a quota (seats and e-mails are bounded elsewhere).
public sealed class HashedRateLimiter : IDisposable
{
    public const int Rows = 2;

    private readonly int _buckets;
    private readonly PartitionedRateLimiter<int>[] _rows;
    private int _partitions;

    public HashedRateLimiter(int limit, TimeSpan period, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        _buckets = buckets;
        _rows = [.. Enumerable.Range(0, Rows).Select(_ => PartitionedRateLimiter.Create<int, int>(bucket =>
            RateLimitPartition.GetTokenBucketLimiter(bucket, _ => Partition(limit, period))))];
    }

    // How many token buckets were ever created (a full one idle for 10 s is dropped and made again when
    // needed; never more than Rows × buckets alive at once).
    public int PartitionCount => Volatile.Read(ref _partitions);

    // The key's bucket in a row: the hash itself in the first, the hash mixed again in the second.
    public int Bucket(int hash, int row) =>
        (int)((uint)(row == 0 ? hash : HashCode.Combine(hash, row)) % (uint)_buckets);

    // Spends a token in every row that has one for the key (so a key alone in its buckets drains them
    // together and gets its budget once, not once per row).
    public RateLimitDecision TryAcquire(int hash)
    {
        var allowed = false;
        var wait = TimeSpan.MaxValue;
        for (var row = 0; row < Rows; row++)
        {
            using var lease = _rows[row].AttemptAcquire(Bucket(hash, row));
            if (lease.IsAcquired)
            {
                allowed = true;
                continue;
            }
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromMinutes(1);
            wait = retryAfter < wait ? retryAfter : wait;
        }
        // Refused: either bucket's next token lets the key through again, so the shorter wait is the true one.
        return allowed ? RateLimitDecision.Allow : new RateLimitDecision(false, wait);
    }

    public void Dispose()
    {
        foreach (var row in _rows)
        {
            row.Dispose();
        }
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
}
