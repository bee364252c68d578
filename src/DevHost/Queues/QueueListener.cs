using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microstructures.DevHost.Configuration;
using Microstructures.DevHost.Grpc.Messages;
using Microstructures.DevHost.Invocations;
using Microstructures.DevHost.Worker;

namespace Microstructures.DevHost.Queues;

// One listener per queue-triggered function, with the host's batching, back-off, renewal and poison rules.
internal sealed class QueueListener : IDisposable
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    // The host hides a message for 10 minutes while its function runs and renews that half-way.
    private static readonly TimeSpan RunningVisibility = TimeSpan.FromMinutes(10);
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly FunctionDefinition _function;
    private readonly QueueSettings _settings;
    private readonly WorkerInvoker _workers;
    private readonly TimeSpan _functionTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slotFreed = new(0);
    private int _inFlight;

    public QueueListener(
        FunctionDefinition function, QueueServiceClient service, QueueSettings settings, WorkerInvoker workers,
        TimeSpan functionTimeout, TimeProvider time, ILogger logger)
    {
        _function = function;
        _settings = settings;
        _workers = workers;
        _functionTimeout = functionTimeout;
        _time = time;
        _logger = logger;
        Queue = service.GetQueueClient(function.QueueName);
        Poison = service.GetQueueClient(function.QueueName + "-poison");
    }

    public FunctionDefinition Function => _function;

    // Clients without SDK encoding: the raw text is decoded here, so poison copies keep it byte for byte.
    public QueueClient Queue { get; }

    public QueueClient Poison { get; }

    private bool _created;

    // Called before the DevHost reports itself started, so a caller can send to the queue at once.
    public async Task TryCreateQueueAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException)
        {
            _logger.LogError(ex, "Could not create queue {Queue}; the listener will retry", Queue.Name);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Listening to queue {Queue} for '{Function}'", Queue.Name, _function.Name);
        var delay = MinPollingInterval;
        var running = new HashSet<Task>();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!_created)
                {
                    await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                    _created = true;
                }
                // Like the host's QueueListener: fetch a whole batchSize again as soon as the in-flight count
                // drops to newBatchThreshold, so up to batchSize + newBatchThreshold messages run at once.
                while (Volatile.Read(ref _inFlight) > _settings.NewBatchThreshold)
                {
                    await _slotFreed.WaitAsync(cancellationToken);
                }
                var messages = (await Queue.ReceiveMessagesAsync(_settings.BatchSize, RunningVisibility, cancellationToken)).Value;
                if (messages.Length == 0)
                {
                    await Task.Delay(delay, _time, cancellationToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(_settings.MaxPollingInterval.Ticks, MinPollingInterval.Ticks)));
                    continue;
                }
                delay = MinPollingInterval;
                foreach (var message in messages)
                {
                    Interlocked.Increment(ref _inFlight);
                    var task = Task.Run(() => ProcessAsync(message, cancellationToken), CancellationToken.None);
                    lock (running)
                    {
                        running.Add(task);
                    }
                    _ = task.ContinueWith(t =>
                    {
                        lock (running)
                        {
                            running.Remove(t);
                        }
                        Interlocked.Decrement(ref _inFlight);
                        _slotFreed.Release();
                    }, TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException or IOException)
            {
                // Storage unreachable (Azurite stopped?): keep the listener alive and try again later, like the host.
                _logger.LogError(ex, "Polling queue {Queue} failed", Queue.Name);
                await Task.Delay(_settings.MaxPollingInterval, _time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        Task[] remaining;
        lock (running)
        {
            remaining = [.. running];
        }
        await Task.WhenAll(remaining);
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var raw = message.Body.ToString();
        string text;
        byte[]? bytes = null;
        try
        {
            if (_settings.MessageEncoding == MessageEncoding.Base64)
            {
                bytes = Convert.FromBase64String(raw);
                // A binary trigger takes the bytes as they are; a string (or POCO) trigger needs UTF-8.
                text = _function.TriggerDataType == BindingInfo.Types.DataType.Binary ? Encoding.UTF8.GetString(bytes) : StrictUtf8.GetString(bytes);
            }
            else
            {
                text = raw;
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // The host's base64 client cannot decode it: it moves the message to the poison queue untouched.
            _logger.LogError("Message {MessageId} on {Queue} is not valid base64 (messageEncoding base64): moved to {Poison}",
                message.MessageId, Queue.Name, Poison.Name);
            await TryMoveToPoisonAsync(message.MessageId, message.PopReceipt, raw, cancellationToken);
            return;
        }
        if (message.DequeueCount > _settings.MaxDequeueCount)
        {
            _logger.LogWarning("Message {MessageId} on {Queue} was already dequeued {DequeueCount} times: moved to {Poison} without invocation",
                message.MessageId, Queue.Name, message.DequeueCount, Poison.Name);
            await TryMoveToPoisonAsync(message.MessageId, message.PopReceipt, raw, cancellationToken);
            return;
        }

        var receipt = new Receipt(message.PopReceipt);
        using var renewalStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = RenewAsync(message.MessageId, receipt, renewalStop.Token);
        var result = await _workers.InvokeAsync(_function, id => InvocationRequests.Queue(
            id, _function, text, bytes, message.DequeueCount, message.MessageId, message.PopReceipt,
            message.InsertedOn, message.ExpiresOn, message.NextVisibleOn), _functionTimeout, cancellationToken);
        await renewalStop.CancelAsync();
        await renewal;

        // Settling uses its own token: a stopping DevHost still leaves the message in a correct state.
        using var settle = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            if (result.Succeeded)
            {
                await Queue.DeleteMessageAsync(message.MessageId, receipt.Value, settle.Token);
            }
            else if (cancellationToken.IsCancellationRequested)
            {
                await Queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: TimeSpan.Zero, cancellationToken: settle.Token);
            }
            else if (message.DequeueCount >= _settings.MaxDequeueCount)
            {
                _logger.LogWarning("Message {MessageId} failed {DequeueCount} times (maxDequeueCount {Max}): moved to {Poison}",
                    message.MessageId, message.DequeueCount, _settings.MaxDequeueCount, Poison.Name);
                await MoveToPoisonAsync(message.MessageId, receipt.Value, raw, settle.Token);
            }
            else
            {
                await Queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: _settings.VisibilityTimeout, cancellationToken: settle.Token);
            }
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or OperationCanceledException)
        {
            // Typically a lost pop receipt: the message reappears and is retried, as with the host.
            _logger.LogError(ex, "Settling message {MessageId} on {Queue} failed", message.MessageId, Queue.Name);
        }
    }

    private async Task RenewAsync(string messageId, Receipt receipt, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(RunningVisibility / 2, _time, cancellationToken);
                var updated = await Queue.UpdateMessageAsync(messageId, receipt.Value, visibilityTimeout: RunningVisibility, cancellationToken: cancellationToken);
                receipt.Value = updated.Value.PopReceipt;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (RequestFailedException ex)
        {
            _logger.LogWarning(ex, "Renewing the visibility of message {MessageId} on {Queue} failed", messageId, Queue.Name);
        }
    }

    private async Task TryMoveToPoisonAsync(string messageId, string popReceipt, string raw, CancellationToken cancellationToken)
    {
        try
        {
            await MoveToPoisonAsync(messageId, popReceipt, raw, cancellationToken);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or OperationCanceledException)
        {
            _logger.LogError(ex, "Moving message {MessageId} to {Poison} failed; it will be picked up again", messageId, Poison.Name);
        }
    }

    private async Task MoveToPoisonAsync(string messageId, string popReceipt, string raw, CancellationToken cancellationToken)
    {
        await Poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await Poison.SendMessageAsync(raw, cancellationToken);
        await Queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken);
    }

    // Admin run (like the host's): the input becomes a message delivered once, outside the queue.
    public Task<InvocationResult> RunManuallyAsync(string input, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var receipt = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        return _workers.InvokeAsync(_function, id => InvocationRequests.Queue(
            id, _function, input, Encoding.UTF8.GetBytes(input), 1, Guid.NewGuid().ToString(), receipt, now, now.AddDays(7), now),
            _functionTimeout, cancellationToken);
    }

    public async Task<int> ReplayPoisonAsync(CancellationToken cancellationToken)
    {
        if (!await Poison.ExistsAsync(cancellationToken))
        {
            return 0;
        }
        await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var replayed = 0;
        while (true)
        {
            var batch = (await Poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken)).Value;
            if (batch.Length == 0)
            {
                break;
            }
            foreach (var message in batch)
            {
                await Queue.SendMessageAsync(message.Body.ToString(), cancellationToken);
                await Poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                replayed++;
            }
        }
        _logger.LogInformation("Replayed {Count} messages from {Poison} to {Queue}", replayed, Poison.Name, Queue.Name);
        return replayed;
    }

    public async Task<(int? Queue, int? Poison)> CountsAsync(CancellationToken cancellationToken) =>
        (await CountAsync(Queue, cancellationToken), await CountAsync(Poison, cancellationToken));

    private static async Task<int?> CountAsync(QueueClient client, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public void Dispose() => _slotFreed.Dispose();

    private sealed class Receipt(string value)
    {
        private string _value = value;

        public string Value
        {
            get => Volatile.Read(ref _value);
            set => Volatile.Write(ref _value, value);
        }
    }
}
