using Azure;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Handler;

namespace Microstructures.DevHost.Timers;

// One timer function: its schedule (UTC), the monitor's status, one run at a time.
internal sealed class TimerRunner(
    FunctionDefinition function, TimerStatusStore store, HandlerInvoker invoker, TimeProvider time, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly Lock _lock = new();
    private TimerStatus? _memoryStatus;

    public FunctionDefinition Function => function;

    public DateTimeOffset? LastRun { get; private set; }

    public DateTimeOffset? NextRun { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var firedAtStart = false;
        if (function.UseMonitor)
        {
            try
            {
                firedAtStart = await CatchUpAsync(now, cancellationToken);
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException)
            {
                // Storage unreachable: the timer still runs on schedule, without catch-up.
                logger.LogError(ex, "Could not read or write the status of timer '{Function}'", function.Name);
            }
        }
        if (function.RunOnStartup && !firedAtStart)
        {
            TryFire(isPastDue: false, now, cancellationToken);
        }
        while (!cancellationToken.IsCancellationRequested)
        {
            now = time.GetUtcNow();
            var next = NextOccurrence(now);
            NextRun = next;
            try
            {
                // Task.Delay cannot wait more than ~49 days (yearly schedules): wait in steps of a day at most.
                while (now < next)
                {
                    await Task.Delay(TimeSpan.FromTicks(Math.Min((next - now).Ticks, TimeSpan.TicksPerDay)), time, cancellationToken);
                    now = time.GetUtcNow();
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (!TryFire(isPastDue: false, next, cancellationToken))
            {
                logger.LogWarning("Timer '{Function}': occurrence {Occurrence} skipped, the previous run is still going", function.Name, next);
            }
        }
        // Let a run in progress finish settling its status.
        await _running.WaitAsync(CancellationToken.None);
        _running.Release();
    }

    // Reads (or creates) the monitor's status; true when a past-due run was started.
    private async Task<bool> CatchUpAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = await store.ReadAsync(function.Name, cancellationToken);
        var fired = false;
        if (status is null)
        {
            status = new TimerStatus(DateTimeOffset.MinValue, NextOccurrence(now), now);
            await store.WriteAsync(function.Name, status, cancellationToken);
        }
        else if (status.Next < now)
        {
            // One catch-up run for however many occurrences were missed, as the host does.
            logger.LogInformation("Timer '{Function}' is past due (Next was {Next}): running it now", function.Name, status.Next);
            fired = TryFire(isPastDue: true, status.Next, cancellationToken);
        }
        SetMemory(status);
        return fired;
    }

    // A scheduled (or catch-up) run: skipped when the previous one is still going.
    private bool TryFire(bool isPastDue, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        if (!_running.Wait(0, CancellationToken.None))
        {
            return false;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await InvokeAsync(isPastDue, occurrence, updateStatus: true, cancellationToken);
            }
            finally
            {
                _running.Release();
            }
        }, CancellationToken.None);
        return true;
    }

    // Admin run: as if due, without moving the schedule's status.
    public async Task<InvocationResult> RunManuallyAsync(bool isPastDue, CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            return await InvokeAsync(isPastDue, time.GetUtcNow(), updateStatus: false, cancellationToken);
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<InvocationResult> InvokeAsync(bool isPastDue, DateTimeOffset occurrence, bool updateStatus, CancellationToken cancellationToken)
    {
        TimerStatus? status = null;
        if (function.UseMonitor)
        {
            status = await ReadStatusAsync(cancellationToken)
                ?? new TimerStatus(DateTimeOffset.MinValue, occurrence, time.GetUtcNow());
        }
        var payload = InvocationPayloads.Timer(function.Name, function.BindingName, status, isPastDue, time.GetUtcNow());
        var result = await invoker.InvokeAsync(function.Name, payload, cancellationToken);
        LastRun = time.GetUtcNow();
        if (updateStatus)
        {
            // A failed run is not retried: the status advances anyway and the next occurrence must catch up.
            var now = time.GetUtcNow();
            var updated = new TimerStatus(occurrence, NextOccurrence(now), now);
            SetMemory(updated);
            if (function.UseMonitor)
            {
                try
                {
                    await store.WriteAsync(function.Name, updated, CancellationToken.None);
                }
                catch (RequestFailedException ex)
                {
                    logger.LogError(ex, "Could not write the status of timer '{Function}'", function.Name);
                }
            }
        }
        return result;
    }

    public async Task<TimerStatus?> ReadStatusAsync(CancellationToken cancellationToken)
    {
        if (function.UseMonitor)
        {
            try
            {
                return await store.ReadAsync(function.Name, cancellationToken);
            }
            catch (RequestFailedException ex)
            {
                logger.LogWarning(ex, "Could not read the status of timer '{Function}'", function.Name);
            }
        }
        lock (_lock)
        {
            return _memoryStatus;
        }
    }

    private void SetMemory(TimerStatus status)
    {
        lock (_lock)
        {
            _memoryStatus = status;
        }
    }

    private DateTimeOffset NextOccurrence(DateTimeOffset after) =>
        new(DateTime.SpecifyKind(function.Schedule!.GetNextOccurrence(after.UtcDateTime), DateTimeKind.Utc));

    public void Dispose() => _running.Dispose();
}
