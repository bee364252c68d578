using Azure.Data.Tables;

namespace Microstructures.Core.Common;

// Entity-group transactions as Azure accepts them: at most 100 actions, all in one partition. Azurite
// accepts cross-partition batches that Azure rejects and answers a 101-action batch with a malformed
// response, so the limits are enforced here rather than discovered in production.
public static class TableBatches
{
    public const int MaxActions = 100;

    // Splits actions into valid transactions: grouped by partition, then cut at 100.
    public static IEnumerable<IReadOnlyList<TableTransactionAction>> Split(IEnumerable<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return actions.GroupBy(a => a.Entity.PartitionKey, StringComparer.Ordinal)
            .SelectMany(g => g.Chunk(MaxActions))
            .Select(chunk => (IReadOnlyList<TableTransactionAction>)chunk);
    }

    public static async Task SubmitAsync(TableClient table, IReadOnlyList<TableTransactionAction> transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        Check(transaction);
        if (transaction.Count > 0)
        {
            await table.SubmitTransactionAsync(transaction, cancellationToken);
        }
    }

    public static void Check(IReadOnlyList<TableTransactionAction> transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Count > MaxActions)
        {
            throw new InvalidOperationException($"A table transaction holds at most {MaxActions} actions, not {transaction.Count}.");
        }
        if (transaction.Select(a => a.Entity.PartitionKey).Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            throw new InvalidOperationException("A table transaction must stay in one partition.");
        }
    }
}
