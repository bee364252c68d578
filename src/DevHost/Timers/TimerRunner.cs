using Azure;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Invocations;
using Microstructures.DevHost.Worker;

namespace Microstructures.DevHost.Timers;

// One timer function as the host's TimerListener runs it: its schedule (UTC), the schedule status
// kept in memory and, with the monitor, in the status blob; a past-due catch-up at start; one run
// at a time.
internal sealed class TimerRunner(
    FunctionDefinition function, TimerStatusStore store, WorkerInvoker workers, TimeSpan functionTimeout, TimeProvider time, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly Lock _lock = new();
    private TimerStatus? _status;

    public FunctionDefinition Function => function;

    public DateTimeOffset? LastRun { get; private set; }

    public DateTimeOffset? NextRun { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var firedAtStart = false;
        if (function.UseMonitor)
        {
            firedAtStart = await CatchUpAsync(now, cancellationToken);
        }
        if (function.RunOnStartup && !firedAtStart)
        {
            TryFire(isPastDue: false, runOnStartup: true, originalSchedule: null, cancellationToken);
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
            if (!TryFire(isPastDue: false, runOnStartup: false, originalSchedule: null, cancellationToken))
            {
                logger.LogWarning("Timer '{Function}': occurrence {Occurrence} skipped, the previous run is still going", function.Name, next);
            }
        }
        // Let a run in progress finish settling its status.
        await _running.WaitAsync(CancellationToken.None);
        _running.Release();
    }

    // ScheduleMonitor.CheckPastDueAsync: a first start records {Last: never, Next, LastUpdated: now};
    // a stored Next in the past runs the function once, past due, however many occurrences were missed.
    private async Task<bool> CatchUpAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        TimerStatus? stored;
        try
        {
            stored = await store.ReadAsync(function.Name, cancellationToken);
            if (stored is null)
            {
                await store.WriteAsync(function.Name, new TimerStatus(DateTimeOffset.MinValue, NextOccurrence(now), now), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException)
        {
            // Storage unreachable: the timer still runs on schedule, without catch-up.
            logger.LogError(ex, "Could not read or write the status of timer '{Function}'", function.Name);
            stored = null;
        }
        // TimerListener: without a stored status, the in-memory one has neither Last nor LastUpdated.
        SetStatus(stored ?? new TimerStatus(DateTimeOffset.MinValue, NextOccurrence(now), DateTimeOffset.MinValue));
        if (stored is not null && stored.Next < now)
        {
            logger.LogInformation("Timer '{Function}' is past due (Next was {Next}): running it now", function.Name, stored.Next);
            return TryFire(isPastDue: true, runOnStartup: false, originalSchedule: stored.Next, cancellationToken);
        }
        return false;
    }

    // A scheduled, startup or catch-up run: skipped when the previous one is still going.
    private bool TryFire(bool isPastDue, bool runOnStartup, DateTimeOffset? originalSchedule, CancellationToken cancellationToken)
    {
        if (!_running.Wait(0, CancellationToken.None))
        {
            return false;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await InvokeAsync(isPastDue, runOnStartup, originalSchedule, updateStatus: true, cancellationToken);
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
            if (function.UseMonitor && CurrentStatus() is null)
            {
                var now = time.GetUtcNow();
                TimerStatus? stored = null;
                try
                {
                    stored = await store.ReadAsync(function.Name, cancellationToken);
                }
                catch (RequestFailedException ex)
                {
                    logger.LogWarning(ex, "Could not read the status of timer '{Function}'", function.Name);
                }
                SetStatus(stored ?? new TimerStatus(DateTimeOffset.MinValue, NextOccurrence(now), DateTimeOffset.MinValue));
            }
            return await InvokeAsync(isPastDue, runOnStartup: false, originalSchedule: null, updateStatus: false, cancellationToken);
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<InvocationResult> InvokeAsync(bool isPastDue, bool runOnStartup, DateTimeOffset? originalSchedule, bool updateStatus, CancellationToken cancellationToken)
    {
        var invocationTime = time.GetUtcNow();
        var status = function.UseMonitor ? CurrentStatus() : null;
        var result = await workers.InvokeAsync(function, id => InvocationRequests.Timer(id, function, status, isPastDue, invocationTime),
            functionTimeout, cancellationToken);
        LastRun = invocationTime;
        if (updateStatus && function.UseMonitor)
        {
            // TimerListener: a run that fired a moment before its occurrence counts from the occurrence, so
            // Next never repeats; Last is the missed occurrence for a catch-up, else the invocation time.
            // A failed run is not retried: the status advances anyway.
            var adjusted = !isPastDue && !runOnStartup && status is not null && status.Next > invocationTime ? status.Next : invocationTime;
            var updated = new TimerStatus(originalSchedule ?? invocationTime, NextOccurrence(adjusted), adjusted);
            SetStatus(updated);
            try
            {
                await store.WriteAsync(function.Name, updated, CancellationToken.None);
            }
            catch (RequestFailedException ex)
            {
                logger.LogError(ex, "Could not write the status of timer '{Function}'", function.Name);
            }
        }
        return result;
    }

    // For the queues page: the status blob with the monitor, else nothing.
    public async Task<TimerStatus?> ReadStatusAsync(CancellationToken cancellationToken)
    {
        if (!function.UseMonitor)
        {
            return null;
        }
        try
        {
            return await store.ReadAsync(function.Name, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            logger.LogWarning(ex, "Could not read the status of timer '{Function}'", function.Name);
            return CurrentStatus();
        }
    }

    private TimerStatus? CurrentStatus()
    {
        lock (_lock)
        {
            return _status;
        }
    }

    private void SetStatus(TimerStatus status)
    {
        lock (_lock)
        {
            _status = status;
        }
    }

    private DateTimeOffset NextOccurrence(DateTimeOffset after) =>
        new(DateTime.SpecifyKind(function.Schedule!.GetNextOccurrence(after.UtcDateTime), DateTimeKind.Utc));

    public void Dispose() => _running.Dispose();
}
