using System.Text.Json;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Email;

public sealed record EmailQueueMessage(string EmailId);

// How features send e-mail. Two steps so a business write and the e-mails it causes cannot part:
//   var prepared = await outbox.PrepareAsync(message, marker);   // recorded as pending, not yet queued
//   await table.SubmitTransactionAsync([...business rows..., marker row]);
//   await outbox.DispatchAsync(prepared);                         // queued now; the sweeper queues it if we crash first
// The sweeper sends a pending e-mail only once its commit marker exists, and abandons it when the
// business write never happened.
public sealed class EmailOutbox(EmailStore store, StorageInitializer storage)
{
    public const string QueueName = "outbound-email";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // emailId: pass a deterministic id (e.g. "reminder-7d-<registrationId>") to make a retried
    // caller record the e-mail once; the default is a new id.
    public async Task<string> PrepareAsync(EmailMessage message, EmailCommitMarker? marker = null, string? emailId = null, CancellationToken cancellationToken = default)
    {
        var id = emailId ?? NewId();
        EmailIds.Validate(id);
        await store.RecordAsync(id, message, marker, cancellationToken);
        return id;
    }

    public async Task DispatchAsync(IEnumerable<string> emailIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(emailIds);
        var queue = await storage.QueueAsync(QueueName, cancellationToken);
        foreach (var id in emailIds)
        {
            await queue.SendMessageAsync(JsonSerializer.Serialize(new EmailQueueMessage(id), Json), cancellationToken);
        }
    }

    public Task DispatchAsync(string emailId, CancellationToken cancellationToken = default) =>
        DispatchAsync([emailId], cancellationToken);

    // For an e-mail that no business write depends on.
    public async Task<string> SendAsync(EmailMessage message, string? emailId = null, CancellationToken cancellationToken = default)
    {
        var id = await PrepareAsync(message, null, emailId, cancellationToken);
        await DispatchAsync(id, cancellationToken);
        return id;
    }

    // Records and queues the e-mail only if no e-mail has this id yet: concurrent callers with the same
    // deterministic id (across instances too) send it once. Returns whether this call recorded it.
    public async Task<bool> SendOnceAsync(EmailMessage message, string emailId, CancellationToken cancellationToken = default)
    {
        EmailIds.Validate(emailId);
        if (!await store.RecordAsync(emailId, message, null, cancellationToken))
        {
            return false;
        }
        await DispatchAsync(emailId, cancellationToken);
        return true;
    }

    public static string NewId() => Guid.NewGuid().ToString("N");

    public static EmailQueueMessage? ParseQueueMessage(string text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<EmailQueueMessage>(text, Json);
            return message is { EmailId.Length: > 0 } ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public static class EmailIds
{
    // Table keys forbid / \ # ? and control characters; blob names must stay simple too.
    public static bool IsValid(string? emailId) =>
        !string.IsNullOrWhiteSpace(emailId) && emailId.Length <= 200 && emailId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public static void Validate(string emailId)
    {
        if (!IsValid(emailId))
        {
            throw new ArgumentException($"Invalid e-mail id '{emailId}': ASCII letters, digits, '-', '_' and '.' only.", nameof(emailId));
        }
    }
}
