namespace Microstructures.DevHost.Sink;

// Injected provider failures: the next Count sends answer Status without storing anything.
internal sealed class SinkFaults
{
    private readonly Lock _lock = new();
    private int _status;
    private int _remaining;

    public void Set(int status, int count)
    {
        lock (_lock)
        {
            _status = status;
            _remaining = count;
        }
    }

    public void Clear() => Set(0, 0);

    public int? TakeNext()
    {
        lock (_lock)
        {
            if (_remaining <= 0)
            {
                return null;
            }
            _remaining--;
            return _status;
        }
    }
}
