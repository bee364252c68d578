using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Common;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Indicators;

// A microstructure's stored facts for a year: the year's and each month's.
public sealed record StoredFacts(string NetworkId, string MicrostructureId, int Year, PeriodFacts? YearFacts, IReadOnlyDictionary<int, PeriodFacts> Months, ETag ETag)
{
    public PeriodFacts? For(int? month) => month is { } m ? Months.GetValueOrDefault(m) : YearFacts;
}

// Key design, table "indicatorfacts": PK "<year>|<networkId>", RK microstructureId; properties "Y" (the
// year's facts, JSON) and "M01"…"M12" (the months that have data). A network's year is one partition; a
// region or the nation is one range scan over "<year>|". One row per microstructure and year, so one ETag
// guards all its periods: a computation writes the row whole, If-Match the ETag it read before reading
// the rows it computed from (see IndicatorComputation).
public sealed class FactsStore(StorageInitializer storage)
{
    public const string TableName = "indicatorfacts";

    public static string Partition(int year, string networkId) => year.ToString(CultureInfo.InvariantCulture) + "|" + networkId;

    private static string MonthProperty(int month) => "M" + month.ToString("D2", CultureInfo.InvariantCulture);

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableName, cancellationToken);

    public async Task<StoredFacts?> GetAsync(int year, string networkId, string microstructureId, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition(year, networkId), microstructureId, cancellationToken: cancellationToken);
        return response.HasValue ? ToModel(response.Value!) : null;
    }

    public async Task<IReadOnlyList<StoredFacts>> ListNetworkAsync(int year, string networkId, CancellationToken cancellationToken = default) =>
        await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(year, networkId)}"), cancellationToken);

    public async Task<IReadOnlyList<StoredFacts>> ListYearAsync(int year, CancellationToken cancellationToken = default)
    {
        var prefix = year.ToString(CultureInfo.InvariantCulture);
        return await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey ge {prefix + "|"} and PartitionKey lt {prefix + "}"}"), cancellationToken);
    }

    public async Task<IReadOnlyList<StoredFacts>> ListAllAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync(null, cancellationToken);

    private async Task<List<StoredFacts>> QueryAsync(string? filter, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var list = new List<StoredFacts>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(ToModel(e));
        }
        return list;
    }

    // Writes the facts if the row is still at `expected` (null: must not exist yet); an empty result
    // deletes the row. False when another computation wrote it meanwhile.
    public async Task<bool> TryWriteAsync(int year, string networkId, string microstructureId, PeriodFacts? yearFacts, IReadOnlyDictionary<int, PeriodFacts> months, ETag? expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(months);
        var table = await TableAsync(cancellationToken);
        var entity = new TableEntity(Partition(year, networkId), microstructureId)
        {
            ["NetworkId"] = networkId,
            ["MicrostructureId"] = microstructureId,
            ["Year"] = year,
        };
        if (yearFacts is not null)
        {
            entity["Y"] = yearFacts.ToJson();
        }
        foreach (var (month, facts) in months)
        {
            entity[MonthProperty(month)] = facts.ToJson();
        }
        try
        {
            if (yearFacts is null && months.Count == 0)
            {
                if (expected is { } etag)
                {
                    await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, etag, cancellationToken);
                }
                return true;
            }
            if (expected is { } ifMatch)
            {
                await table.UpdateEntityAsync(entity, ifMatch, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return false;
        }
    }

    public async Task<int> DeleteAllAsync(CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var keys = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(e);
        }
        foreach (var transaction in TableBatches.Split(keys.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, k, ETag.All))))
        {
            await TableBatches.SubmitAsync(table, transaction, cancellationToken);
        }
        return keys.Count;
    }

    private static StoredFacts ToModel(TableEntity e)
    {
        var months = new SortedDictionary<int, PeriodFacts>();
        for (var m = 1; m <= 12; m++)
        {
            if (e.GetString(MonthProperty(m)) is { } json)
            {
                months[m] = PeriodFacts.FromJson(json);
            }
        }
        var yearFacts = e.GetString("Y") is { } y ? PeriodFacts.FromJson(y) : null;
        return new StoredFacts(e.GetString("NetworkId") ?? "", e.RowKey, e.GetInt32("Year") ?? 0, yearFacts, months, e.ETag);
    }
}
