using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Queues;

// One failed invocation of a queue function, as the worker middleware sees it. BodySha256: SHA-256 of the
// message's bytes (the text as UTF-8), which is how a poison copy finds its failures: the host copies the
// body to <queue>-poison under a new message id.
public sealed record QueueFailure(
    string FunctionName, string QueueName, string MessageId, long DequeueCount, string ExceptionType, string ExceptionMessage, DateTimeOffset At, string BodySha256)
{
    public static string Hash(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    public static string Hash(string text) => Hash(Encoding.UTF8.GetBytes(text ?? ""));
}

public sealed class QueueFailureEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string FunctionName { get; set; } = "";
    public string QueueName { get; set; } = "";
    public string MessageId { get; set; } = "";
    public long DequeueCount { get; set; }
    public string ExceptionType { get; set; } = "";
    public string ExceptionMessage { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string BodySha256 { get; set; } = "";
}

// Key design, table "queuefailures":
// - PK "m|<queue>|<messageId>", RK inverted ticks + dequeue count: every failure of a message, newest
//   first, so its last error is the first row of its partition.
// - PK "b|<queue>|<body sha256>", RK "last": a copy of the latest failure of a message with that body
//   (the key a poison copy, which has a new id, is joined on). Upserted: the last failure wins.
// Exception messages are cut at 2,000 characters; they come from the app's own code, which never puts
// a pseudonym or a clinical category in one.
public sealed class QueueFailureStore(StorageInitializer storage)
{
    public const string TableName = "queuefailures";
    public const int MaxMessageLength = 2_000;

    public static string MessagePartition(string queueName, string messageId) => $"m|{queueName}|{messageId}";

    public static string BodyPartition(string queueName, string sha256) => $"b|{queueName}|{sha256}";

    public async Task RecordAsync(QueueFailure failure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var table = await storage.TableAsync(TableName, cancellationToken);
        var entity = ToEntity(failure, MessagePartition(failure.QueueName, failure.MessageId),
            (DateTimeOffset.MaxValue.UtcTicks - failure.At.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + failure.DequeueCount.ToString("D4", CultureInfo.InvariantCulture));
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        await table.UpsertEntityAsync(ToEntity(failure, BodyPartition(failure.QueueName, failure.BodySha256), "last"), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<QueueFailure?> GetLastAsync(string queueName, string messageId, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        await foreach (var e in table.QueryAsync<QueueFailureEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MessagePartition(queueName, messageId)}"), maxPerPage: 1, cancellationToken: cancellationToken))
        {
            return ToModel(e);
        }
        return null;
    }

    public async Task<IReadOnlyList<QueueFailure>> ListAsync(string queueName, string messageId, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        var list = new List<QueueFailure>();
        await foreach (var e in table.QueryAsync<QueueFailureEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MessagePartition(queueName, messageId)}"), cancellationToken: cancellationToken))
        {
            list.Add(ToModel(e));
        }
        return list;
    }

    public async Task<QueueFailure?> GetLastByBodyAsync(string queueName, string bodySha256, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<QueueFailureEntity>(BodyPartition(queueName, bodySha256), "last", cancellationToken: cancellationToken);
        return response.HasValue ? ToModel(response.Value!) : null;
    }

    private static QueueFailureEntity ToEntity(QueueFailure f, string partitionKey, string rowKey) => new()
    {
        PartitionKey = partitionKey, RowKey = rowKey, FunctionName = f.FunctionName, QueueName = f.QueueName, MessageId = f.MessageId,
        DequeueCount = f.DequeueCount, ExceptionType = f.ExceptionType,
        ExceptionMessage = f.ExceptionMessage.Length > MaxMessageLength ? f.ExceptionMessage[..MaxMessageLength] : f.ExceptionMessage,
        At = f.At, BodySha256 = f.BodySha256,
    };

    private static QueueFailure ToModel(QueueFailureEntity e) =>
        new(e.FunctionName, e.QueueName, e.MessageId, e.DequeueCount, e.ExceptionType, e.ExceptionMessage, e.At, e.BodySha256);
}
