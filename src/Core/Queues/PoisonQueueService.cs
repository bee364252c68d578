using System.Text;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Queues;

// A poison message as stored: RawText is the queue's text (Base64 for the app's messages), Text its
// decoded form when it decodes as UTF-8 (else the raw text), LastFailure the last recorded error of the
// message it copies (by message id, else by body hash: the host gives the copy a new id).
public sealed record PoisonMessage(string MessageId, DateTimeOffset? InsertedOn, string RawText, string Text, QueueFailure? LastFailure);

public sealed record PoisonQueue(string Name, string OriginalQueue, int ApproximateCount, IReadOnlyList<PoisonMessage> Messages);

// The staff's view of failed messages: every "*-poison" queue of the account with its messages joined to
// their last error, and a replay that moves a message (or all) back to its original queue with its
// stored text unchanged, through clients without message encoding. A queue lists at most 32 messages
// (Queue Storage peeks no more); ApproximateCount says how many there are.
public sealed class PoisonQueueService(RawQueues queues, QueueFailureStore failures)
{
    public const string Suffix = "-poison";
    private const int PeekMax = 32;
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);

    public static string OriginalOf(string poisonQueue) =>
        poisonQueue.EndsWith(Suffix, StringComparison.Ordinal) ? poisonQueue[..^Suffix.Length] : throw new ArgumentException($"'{poisonQueue}' is not a poison queue.", nameof(poisonQueue));

    public async Task<IReadOnlyList<PoisonQueue>> ListAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<PoisonQueue>();
        await foreach (var item in queues.Client.GetQueuesAsync(cancellationToken: cancellationToken))
        {
            if (!item.Name.EndsWith(Suffix, StringComparison.Ordinal))
            {
                continue;
            }
            var queue = queues.Client.GetQueueClient(item.Name);
            var properties = await queue.GetPropertiesAsync(cancellationToken);
            var original = OriginalOf(item.Name);
            var messages = new List<PoisonMessage>();
            foreach (var message in (await queue.PeekMessagesAsync(PeekMax, cancellationToken)).Value)
            {
                var (bytes, text) = Decode(message.MessageText);
                var failure = await failures.GetLastAsync(original, message.MessageId, cancellationToken)
                    ?? await failures.GetLastByBodyAsync(original, QueueFailure.Hash(bytes), cancellationToken);
                messages.Add(new PoisonMessage(message.MessageId, message.InsertedOn, message.MessageText, text, failure));
            }
            list.Add(new PoisonQueue(item.Name, original, properties.Value.ApproximateMessagesCount, messages));
        }
        return list.OrderBy(q => q.Name, StringComparer.Ordinal).ToList();
    }

    // Moves one message back; false when it is no longer there (replayed or deleted meanwhile).
    public async Task<bool> ReplayAsync(string poisonQueue, string messageId, CancellationToken cancellationToken = default)
    {
        var poison = queues.Client.GetQueueClient(poisonQueue);
        var target = queues.Client.GetQueueClient(OriginalOf(poisonQueue));
        var held = new List<QueueMessage>();
        try
        {
            while (true)
            {
                var batch = (await poison.ReceiveMessagesAsync(PeekMax, Hold, cancellationToken)).Value;
                if (batch.Length == 0)
                {
                    return false;
                }
                held.AddRange(batch.Where(m => m.MessageId != messageId));
                if (batch.FirstOrDefault(m => m.MessageId == messageId) is { } found)
                {
                    await MoveAsync(poison, target, found, cancellationToken);
                    return true;
                }
            }
        }
        finally
        {
            // The others become visible again at once rather than after the hold.
            foreach (var message in held)
            {
                await poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
            }
        }
    }

    public async Task<int> ReplayAllAsync(string poisonQueue, CancellationToken cancellationToken = default)
    {
        var poison = queues.Client.GetQueueClient(poisonQueue);
        var target = queues.Client.GetQueueClient(OriginalOf(poisonQueue));
        var moved = 0;
        while (true)
        {
            var batch = (await poison.ReceiveMessagesAsync(PeekMax, Hold, cancellationToken)).Value;
            if (batch.Length == 0)
            {
                return moved;
            }
            foreach (var message in batch)
            {
                await MoveAsync(poison, target, message, cancellationToken);
                moved++;
            }
        }
    }

    // Sent before deleted: a crash between the two leaves a duplicate (handlers are idempotent), never a loss.
    private static async Task MoveAsync(QueueClient poison, QueueClient target, QueueMessage message, CancellationToken cancellationToken)
    {
        await target.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await target.SendMessageAsync(message.MessageText, cancellationToken);
        await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    private static (byte[] Bytes, string Text) Decode(string raw)
    {
        try
        {
            var bytes = Convert.FromBase64String(raw);
            return (bytes, new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return (Encoding.UTF8.GetBytes(raw), raw);
        }
    }
}
