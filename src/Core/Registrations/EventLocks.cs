namespace Microstructures.Core.Registrations;

// One writer at a time per event in this process: the committer's batches, cancellations, promotions
// and event edits queue behind each other instead of burning attempts on 412s. Across instances the
// event row's ETag is still the only guarantee; this only saves work.
public sealed class EventLocks
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<IDisposable> LockAsync(string eventId, CancellationToken cancellationToken = default)
    {
        var gate = _locks.GetOrAdd(eventId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
