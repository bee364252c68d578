namespace Microstructures.DevHost.Sink;

// What an injected fault does to a send.
internal enum SinkStall
{
    // Answers the fault's status without storing anything.
    None,

    // Holds the request before storing anything, until its caller goes away or the faults are cleared:
    // a caller that dies meanwhile never reached the provider.
    BeforeStoring,

    // Stores the messages, then holds the answer the same way: a caller that dies meanwhile was
    // accepted by the provider but never learnt it.
    AfterStoring,
}

internal sealed record SinkFault(int Status, SinkStall Stall);

// Injected provider failures: the next Count sends answer Status without storing anything, or stall.
internal sealed class SinkFaults
{
    private readonly Lock _lock = new();
    private int _status;
    private SinkStall _stall;
    private int _remaining;
    private int _held;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Sends being held right now (a test waits for one before killing its caller).
    public int Held => Volatile.Read(ref _held);

    public void Set(int status, int count, SinkStall stall = SinkStall.None)
    {
        lock (_lock)
        {
            _status = status;
            _stall = stall;
            _remaining = count;
        }
    }

    // Clears the faults and lets every held send go on.
    public void Clear()
    {
        TaskCompletionSource release;
        lock (_lock)
        {
            _status = 0;
            _stall = SinkStall.None;
            _remaining = 0;
            release = _release;
            _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        release.TrySetResult();
    }

    public SinkFault? TakeNext()
    {
        lock (_lock)
        {
            if (_remaining <= 0)
            {
                return null;
            }
            _remaining--;
            return new SinkFault(_status, _stall);
        }
    }

    // Returns when the faults are cleared; throws OperationCanceledException when the caller went away.
    public async Task HoldAsync(CancellationToken requestAborted)
    {
        Task release;
        lock (_lock)
        {
            release = _release.Task;
        }
        Interlocked.Increment(ref _held);
        try
        {
            await release.WaitAsync(requestAborted).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }
}
