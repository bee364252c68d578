using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Audit;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Indicators;

// What the staff and the status page see of a rebuild. State: queued, running, succeeded, or interrupted
// (no sign of life for IndicatorRebuildJobs.StaleAfter: its message failed until poisoned or was lost;
// asking again starts a new job that resumes nothing but redoes everything, which gives the same figures).
public sealed record RebuildJob(
    string JobId, string State, DateTimeOffset RequestedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Attempts,
    string Phase, int Receipts, int Rows, int? FactsRecomputed, string? LastError)
{
    public string StatusUrl => IndicatorRebuildJobs.StatusPath(JobId);
}

// The message on queue "rebuild-indicators": the job's id only.
public sealed record RebuildIndicatorsMessage(string JobId)
{
    public const string QueueName = "rebuild-indicators";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToText() => JsonSerializer.Serialize(this, Json);

    public static RebuildIndicatorsMessage? Parse(string? text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<RebuildIndicatorsMessage>(text ?? "", Json);
            return message is not null && RebuildJobStore.IsJobId(message.JobId) ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

// The rebuild as a queued job, so that it is not bound by an HTTP request's time limit (about 230 s in
// Azure). One at a time: asking while a job is queued or running answers that job. Retry-safe: the run
// claims the job (If-Match), saves its progress after each step and a retried or timed-out run resumes
// from it; a job already succeeded, or held by a live run, is left alone by a second message.
// A run also stops itself at its first checkpoint past IndicatorOptions.RebuildRunBudget and queues its
// continuation: left to the function timeout, a rebuild longer than it was cancelled on every retry,
// each retry found the job still "running" (heartbeat fresh) and ran nothing, and the job never ended.
public sealed partial class IndicatorRebuildJobs(
    RebuildJobStore store, StorageInitializer storage, IndicatorRebuild rebuild, AuditTrail audit, TimeProvider time, IOptions<IndicatorOptions> options,
    ILogger<IndicatorRebuildJobs> logger)
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(30);
    private const int MaxAttempts = 20;

    public static string StatusPath(string jobId) => "/api/manage/indicators/rebuild/" + jobId;

    // The job asked for (Created) or the one already queued or running (not Created).
    public async Task<(RebuildJob Job, bool Created)> RequestAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var pointer = await store.GetAsync(RebuildJobStore.PointerKey, cancellationToken);
            var current = pointer?.CurrentJobId is { } currentId ? await store.GetAsync(currentId, cancellationToken) : null;
            if (current is not null && IsActive(current))
            {
                return (View(current), false);
            }
            var now = time.GetUtcNow();
            var job = new RebuildJobEntity
            {
                RowKey = RebuildJobStore.NewId(now), ActorKind = actor.Kind, ActorId = actor.Id, RequestedAt = now, HeartbeatAt = now,
            };
            var newPointer = new RebuildJobEntity { RowKey = RebuildJobStore.PointerKey, CurrentJobId = job.RowKey, RequestedAt = now };
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.Add, job),
                pointer is null
                    ? new(TableTransactionActionType.Add, newPointer)
                    : new(TableTransactionActionType.UpdateReplace, newPointer, pointer.ETag),
            ];
            if (!await store.TrySubmitAsync(actions, cancellationToken))
            {
                continue;
            }
            // A crash before the message is sent leaves a queued job that nothing runs: it turns
            // interrupted after StaleAfter and the next request starts another.
            await QueueRunAsync(job.RowKey, null, cancellationToken);
            await audit.RecordAsync(AuditEntityTypes.IndicatorRebuild, "all", actor, "requested", null, new { JobId = job.RowKey }, cancellationToken);
            LogRequested(job.RowKey);
            return (View(job), true);
        }
        throw new InvalidOperationException($"The rebuild pointer kept changing during {MaxAttempts} attempts.");
    }

    public async Task<RebuildJob?> GetAsync(string jobId, CancellationToken cancellationToken = default) =>
        RebuildJobStore.IsJobId(jobId) && await store.GetAsync(jobId, cancellationToken) is { } job ? View(job) : null;

    public async Task<IReadOnlyList<RebuildJob>> ListRecentAsync(int count = 5, CancellationToken cancellationToken = default) =>
        (await store.ListRecentAsync(count, cancellationToken)).Select(View).ToList();

    // The queue function's body. Exceptions propagate (the host retries, then poisons); the job keeps its
    // progress and its last error meanwhile.
    public async Task RunAsync(string messageText, CancellationToken cancellationToken = default)
    {
        var message = RebuildIndicatorsMessage.Parse(messageText)
            ?? throw new InvalidDataException("Not a rebuild-indicators message: expected {\"jobId\":…}.");
        var job = await ClaimAsync(message.JobId, cancellationToken);
        if (job is null)
        {
            return;
        }
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var gate = new SemaphoreSlim(1, 1);
        // Progress and heartbeats write the same row (If-Match): one at a time; a lost claim stops the run.
        async Task SaveAsync(Action<RebuildJobEntity> change, CancellationToken token)
        {
            await gate.WaitAsync(token);
            try
            {
                change(job);
                if (!await store.TryReplaceAsync(job, token))
                {
                    await lost.CancelAsync();
                    throw new OperationCanceledException(lost.Token);
                }
            }
            finally
            {
                gate.Release();
            }
        }
        // Each checkpoint is saved; past the run's budget, once this run has moved the job on, it stops there.
        var resumedFrom = job.ToProgress();
        var runStarted = time.GetUtcNow();
        async Task CheckpointAsync(RebuildProgress progress, CancellationToken token)
        {
            await SaveAsync(j => { j.Save(progress); j.HeartbeatAt = time.GetUtcNow(); }, token);
            if (progress != resumedFrom && time.GetUtcNow() - runStarted >= options.Value.RebuildRunBudget)
            {
                throw new RunBudgetSpent();
            }
        }
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(job.RowKey, SaveAsync, lost, heartbeatStop.Token);
        try
        {
            var actor = new Actor(job.ActorKind, job.ActorId, null);
            var report = await rebuild.RebuildAsync(actor, resumedFrom, CheckpointAsync, lost.Token);
            await heartbeatStop.CancelAsync();
            await heartbeat;
            await SaveAsync(j =>
            {
                j.Status = nameof(RebuildJobStatus.Succeeded);
                j.FinishedAt = time.GetUtcNow();
                j.FactsRecomputed = report.FactsRecomputed;
                j.LastError = null;
            }, cancellationToken);
            LogSucceeded(job.RowKey, report.Receipts, report.Rows);
        }
        catch (RunBudgetSpent)
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            // Queued with its progress, then its continuation: a failure between the two leaves this
            // message to the host's retry, which resumes the job the same way.
            // Not cancelled with the invocation: short calls that must not leave the job "running".
            await SaveAsync(j => { j.Status = nameof(RebuildJobStatus.Queued); j.HeartbeatAt = time.GetUtcNow(); j.LastError = null; }, CancellationToken.None);
            await QueueRunAsync(job.RowKey, null, CancellationToken.None);
            LogContinued(job.RowKey, job.Phase, job.Receipts, job.Recomputed);
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogLostClaim(job.RowKey);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            // Cancelled by the host (its timeout, a shutdown): queued again, so that the retry of this
            // message resumes it instead of finding it "running". Best effort.
            await TryRecordQueuedAsync(job, SaveAsync, "Interrompu par l'hôte (délai de la fonction ou arrêt) : repris au prochain essai.");
            throw;
        }
        catch (Exception exception)
        {
            // Any other failure, a storage client's own timeout (an OperationCanceledException of neither
            // token) included.
            await heartbeatStop.CancelAsync();
            await heartbeat;
            // Queued again with its progress: the host's retry resumes it. Recording is best effort.
            await TryRecordQueuedAsync(job, SaveAsync, exception.Message);
            throw;
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }
    }

    // delay: the message stays invisible that long (null: runs at once).
    private async Task QueueRunAsync(string jobId, TimeSpan? delay, CancellationToken cancellationToken)
    {
        var queue = await storage.QueueAsync(RebuildIndicatorsMessage.QueueName, cancellationToken);
        await queue.SendMessageAsync(new RebuildIndicatorsMessage(jobId).ToText(), visibilityTimeout: delay, cancellationToken: cancellationToken);
    }

    private async Task TryRecordQueuedAsync(RebuildJobEntity job, Func<Action<RebuildJobEntity>, CancellationToken, Task> save, string error)
    {
        try
        {
            await save(j =>
            {
                j.Status = nameof(RebuildJobStatus.Queued);
                j.HeartbeatAt = time.GetUtcNow();
                j.LastError = error.Length > 1000 ? error[..1000] : error;
            }, CancellationToken.None);
        }
#pragma warning disable CA1031 // The run's own exception is what the host must see.
        catch (Exception recordFailure)
#pragma warning restore CA1031
        {
            LogNotRecorded(recordFailure, job.RowKey);
        }
    }

    // Thrown at a checkpoint when the run has used its budget: caught by RunAsync, which queues the rest.
    private sealed class RunBudgetSpent : Exception;

    // The job, claimed for this run; null when there is nothing to do (unknown, done, held by a live run,
    // or no longer the current job).
    private async Task<RebuildJobEntity?> ClaimAsync(string jobId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var job = await store.GetAsync(jobId, cancellationToken);
            var pointer = await store.GetAsync(RebuildJobStore.PointerKey, cancellationToken);
            if (job is null || pointer?.CurrentJobId != jobId || job.Status == nameof(RebuildJobStatus.Succeeded))
            {
                LogNothingToDo(jobId, job?.Status);
                return null;
            }
            if (job.Status == nameof(RebuildJobStatus.Running) && !IsStale(job))
            {
                // Held by a run that is alive, or that died without a word (a killed worker) and whose
                // message the host retried seconds later: this message comes back once the job would be
                // stale, to resume it if nobody did (and to find nothing to do otherwise).
                var staleIn = (job.HeartbeatAt ?? job.RequestedAt) + StaleAfter - time.GetUtcNow() + TimeSpan.FromSeconds(5);
                await QueueRunAsync(jobId, staleIn, cancellationToken);
                LogHeldElsewhere(jobId, staleIn);
                return null;
            }
            var now = time.GetUtcNow();
            job.Status = nameof(RebuildJobStatus.Running);
            job.StartedAt ??= now;
            job.HeartbeatAt = now;
            job.Attempts++;
            job.RunId = Guid.NewGuid().ToString("N");
            // The pointer is rewritten unchanged, If-Match: the claim fails if a newer job took it meanwhile.
            if (await store.TrySubmitAsync([new(TableTransactionActionType.UpdateReplace, job, job.ETag), new(TableTransactionActionType.UpdateReplace, pointer, pointer.ETag)], cancellationToken))
            {
                return job;
            }
        }
        throw new InvalidOperationException($"Rebuild job {jobId} kept changing during {MaxAttempts} attempts.");
    }

    private async Task HeartbeatAsync(string jobId, Func<Action<RebuildJobEntity>, CancellationToken, Task> save, CancellationTokenSource lost, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(HeartbeatEvery, time, stop);
                // Not cancelled by stop: a save cancelled after the table applied it would leave this run
                // with an outdated ETag, and its next save would take the claim for lost.
                await save(j => j.HeartbeatAt = time.GetUtcNow(), lost.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped, or the claim was lost (save cancelled the run).
        }
#pragma warning disable CA1031 // A missed heartbeat is not fatal: the next one, or the run's own saves, follow.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogHeartbeatFailed(exception, jobId);
            if (!lost.IsCancellationRequested)
            {
                await HeartbeatAsync(jobId, save, lost, stop);
            }
        }
    }

    private bool IsStale(RebuildJobEntity job) => time.GetUtcNow() - (job.HeartbeatAt ?? job.RequestedAt) > StaleAfter;

    private bool IsActive(RebuildJobEntity job) => job.Status != nameof(RebuildJobStatus.Succeeded) && !IsStale(job);

    private RebuildJob View(RebuildJobEntity job) => new(
        job.RowKey,
        job.Status == nameof(RebuildJobStatus.Succeeded) ? "succeeded" : IsStale(job) ? "interrupted" : job.Status == nameof(RebuildJobStatus.Running) ? "running" : "queued",
        job.RequestedAt, job.StartedAt, job.FinishedAt, job.Attempts, job.Phase.ToLowerInvariant(), job.Receipts, job.Rows, job.FactsRecomputed, job.LastError);

    [LoggerMessage(LogLevel.Information, "Indicator rebuild {JobId} requested")]
    private partial void LogRequested(string jobId);

    [LoggerMessage(LogLevel.Information, "Indicator rebuild {JobId} succeeded: {Receipts} receipts, {Rows} rows")]
    private partial void LogSucceeded(string jobId, int receipts, int rows);

    [LoggerMessage(LogLevel.Information, "Indicator rebuild {JobId}: nothing to do (status {Status})")]
    private partial void LogNothingToDo(string jobId, string? status);

    [LoggerMessage(LogLevel.Information, "Indicator rebuild {JobId} continues in a new run (phase {Phase}, {Receipts} receipts replayed, {Recomputed} facts rewritten so far)")]
    private partial void LogContinued(string jobId, string phase, int receipts, int recomputed);

    [LoggerMessage(LogLevel.Information, "Indicator rebuild {JobId} is held by a run: this message comes back in {Delay}")]
    private partial void LogHeldElsewhere(string jobId, TimeSpan delay);

    [LoggerMessage(LogLevel.Warning, "Indicator rebuild {JobId} was taken over by another run: this one stops")]
    private partial void LogLostClaim(string jobId);

    [LoggerMessage(LogLevel.Warning, "A heartbeat of indicator rebuild {JobId} failed")]
    private partial void LogHeartbeatFailed(Exception exception, string jobId);

    [LoggerMessage(LogLevel.Error, "The failure of indicator rebuild {JobId} could not be recorded")]
    private partial void LogNotRecorded(Exception exception, string jobId);
}
