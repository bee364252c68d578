using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Email;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Registrations;

// Key design. Table "registrations", PartitionKey = eventId: everything that must change together
// for one event lives in one partition, so one entity-group transaction can change it atomically.
//   RK "event"                 the event and its seat counters (Confirmed, Waiting, NextWaitSequence), ETag-checked
//   RK "reg-<registrationId>"  one registration (personal data; list/search/export read the "reg-" range)
//   RK "email-<sha256(email)>" uniqueness of an address within the event: inserting it twice fails the batch
//   RK "wait-<sequence:D12>"   the waitlist in first-come order: the first row of the range is position 1
//   RK "outbox-<emailId>"      commit markers of e-mails recorded by the outbox (see EmailOutbox)
// Table "eventindex", PK "events", RK eventId: the list of events without scanning registrations.
public sealed class RegistrationStore(StorageInitializer storage)
{
    public const string TableName = "registrations";
    public const string IndexTable = "eventindex";
    public const string EventRowKey = "event";
    public const string RegistrationPrefix = "reg-";
    public const string WaitPrefix = "wait-";
    public const string EmailPrefix = "email-";
    public const string OutboxPrefix = "outbox-";
    private const string IndexPartition = "events";

    // Azure refuses larger batches (Azurite does not): enforced here, not discovered in production.
    public const int MaxBatch = 100;

    public static string RegistrationRowKey(string registrationId) => RegistrationPrefix + registrationId;

    public static string WaitRowKey(long sequence) => WaitPrefix + sequence.ToString("D12", CultureInfo.InvariantCulture);

    public static string EmailRowKey(string normalizedEmail) =>
        EmailPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));

    // The row holding a waitlist place, and the row making an address unique within its event.
    public static TableEntity WaitRow(string eventId, long sequence, string registrationId) =>
        new(eventId, WaitRowKey(sequence)) { ["RegistrationId"] = registrationId };

    public static TableEntity EmailIndexRow(string eventId, string normalizedEmail, string registrationId) =>
        new(eventId, EmailRowKey(normalizedEmail)) { ["RegistrationId"] = registrationId };

    public static EmailCommitMarker Marker(string eventId, string emailId) => new(TableName, eventId, OutboxPrefix + emailId);

    public Task<TableClient> TableAsync(CancellationToken cancellationToken = default) => storage.TableAsync(TableName, cancellationToken);

    public async Task<EventEntity?> GetEventAsync(string eventId, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<EventEntity>(eventId, EventRowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task IndexEventAsync(string eventId, CancellationToken cancellationToken = default)
    {
        var index = await storage.TableAsync(IndexTable, cancellationToken);
        await index.UpsertEntityAsync(new TableEntity(IndexPartition, eventId), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<EventEntity>> ListEventsAsync(CancellationToken cancellationToken = default)
    {
        var index = await storage.TableAsync(IndexTable, cancellationToken);
        var events = new List<EventEntity>();
        await foreach (var row in index.QueryAsync<TableEntity>(e => e.PartitionKey == IndexPartition, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (await GetEventAsync(row.RowKey, cancellationToken) is { } evt)
            {
                events.Add(evt);
            }
        }
        return events;
    }

    public async Task<RegistrationEntity?> GetRegistrationAsync(string eventId, string registrationId, CancellationToken cancellationToken = default)
    {
        if (!IsSafeId(registrationId))
        {
            return null;
        }
        var table = await TableAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<RegistrationEntity>(eventId, RegistrationRowKey(registrationId), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task<RegistrationEntity?> FindByEmailAsync(string eventId, string normalizedEmail, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var index = await table.GetEntityIfExistsAsync<TableEntity>(eventId, EmailRowKey(normalizedEmail), cancellationToken: cancellationToken);
        return index.HasValue && index.Value!.GetString("RegistrationId") is { } id
            ? await GetRegistrationAsync(eventId, id, cancellationToken)
            : null;
    }

    public async Task<IReadOnlyList<RegistrationEntity>> ListRegistrationsAsync(string eventId, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var rows = new List<RegistrationEntity>();
        // '.' follows '-': the range [reg-, reg.) is exactly the registration rows.
        await foreach (var row in table.QueryAsync<RegistrationEntity>(
            e => e.PartitionKey == eventId && e.RowKey.CompareTo(RegistrationPrefix) >= 0 && e.RowKey.CompareTo("reg.") < 0, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }
        return rows;
    }

    public async Task<IReadOnlyList<(string RowKey, string RegistrationId)>> ListWaitingAsync(string eventId, int take, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var rows = new List<(string, string)>();
        await foreach (var row in table.QueryAsync<TableEntity>(
            e => e.PartitionKey == eventId && e.RowKey.CompareTo(WaitPrefix) >= 0 && e.RowKey.CompareTo("wait.") < 0, maxPerPage: take, cancellationToken: cancellationToken))
        {
            rows.Add((row.RowKey, row.GetString("RegistrationId") ?? ""));
            if (rows.Count == take)
            {
                break;
            }
        }
        return rows;
    }

    // Position 1 is the next person promoted: how many wait rows sort at or before this one.
    public async Task<int> WaitlistPositionAsync(string eventId, long sequence, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var mine = WaitRowKey(sequence);
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(
            e => e.PartitionKey == eventId && e.RowKey.CompareTo(WaitPrefix) >= 0 && e.RowKey.CompareTo(mine) <= 0, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            count++;
        }
        return count;
    }

    // One entity-group transaction: all or nothing. Throws TableTransactionFailedException (412 when
    // the event row changed since it was read, 409 when a row to add exists).
    // Returns one response per action, in order (each carries the row's new ETag).
    public async Task<IReadOnlyList<Response>> SubmitAsync(string eventId, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count is 0 or > MaxBatch)
        {
            throw new InvalidOperationException($"A table transaction holds 1 to {MaxBatch} entities; got {actions.Count}.");
        }
        if (actions.Any(a => a.Entity.PartitionKey != eventId))
        {
            throw new InvalidOperationException("A table transaction must stay in one partition (Azure rejects cross-partition batches).");
        }
        var table = await TableAsync(cancellationToken);
        var response = await table.SubmitTransactionAsync(actions, cancellationToken);
        return response.Value;
    }

    public static bool IsSafeId(string? id) => id is { Length: > 0 and <= 64 } && id.All(char.IsAsciiLetterOrDigit);
}
