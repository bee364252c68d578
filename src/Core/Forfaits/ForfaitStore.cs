using System.Globalization;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Forfaits;

public sealed class ForfaitEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember]
    public string ForfaitId => RowKey;
    public string MicrostructureId { get; set; } = "";
    public string NetworkId { get; set; } = "";
    public string Pseudonym { get; set; } = "";
    public string SchemeId { get; set; } = "";
    public string SchemeName { get; set; } = "";
    public string InclusionDate { get; set; } = "";

    // The current period, also the last entry of Periods (JSON of ForfaitPeriod, oldest first).
    public int Period { get; set; }
    public string PeriodStart { get; set; } = "";
    public string PeriodEnd { get; set; } = "";
    public double AmountEuros { get; set; }
    public string Periods { get; set; } = "[]";

    // The reminders the current period was opened with ("60,30,7") and its escalation: a later
    // configuration change applies to periods opened after it.
    public string LeadTimesDays { get; set; } = "";
    public int EscalationDays { get; set; }

    public bool Closed { get; set; }
    public string? ClosureReason { get; set; }
    public string? ClosedOn { get; set; }

    // Snooze skips one microstructure reminder (SnoozedDays) of one period; acknowledging stops the
    // remaining microstructure reminders of one period (the network's escalation still goes).
    public int? SnoozedPeriod { get; set; }
    public int? SnoozedDays { get; set; }
    public int? AcknowledgedPeriod { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

// A forfait's natural key (k|…) or its "active in this scheme" marker (a|…), beside it in its partition.
public sealed class ForfaitKeyEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string ForfaitId { get; set; } = "";
    public string InclusionDate { get; set; } = "";
}

public sealed class ForfaitLookupEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string MicrostructureId { get; set; } = "";
    public string NetworkId { get; set; } = "";

    // For a digest: the partition of table forfaitreminders that holds it.
    public string? Partition { get; set; }
}

// Key design of the forfaits themselves (the reminders' tables are described in ReminderStore):
// - table "forfaits", PK "ms|<microstructureId>":
//     RK <forfaitId> ("f" + 20 hex): the forfait, its current period and its history. Listing a
//       microstructure's forfaits is one partition; a network's is one partition per microstructure
//       (a few dozen); figures for a region or the nation are one range scan over "ms|".
//     RK "k|<schemeId>|<PSEUDONYM>|<inclusion date>": the natural key. Added in the same transaction as
//       the forfait, so posting the same inclusion twice (a retry, a re-imported file) finds it and
//       never makes a second forfait.
//     RK "a|<schemeId>|<PSEUDONYM>": present while that pseudonym has an open forfait in that scheme
//       here; added with the forfait and deleted in the closure's transaction, so a second open
//       forfait for one patient and scheme (a mistyped date) is refused without a race.
// - table "forfaitlookup", point reads only:
//     PK "forfait", RK <forfaitId>: its microstructure and network (routes carry only the id). Written
//       before the forfait's transaction: a crash between leaves a lookup to nothing (answered 404).
//     PK "digest", RK <digestId>: the forfaitreminders partition holding a digest (links carry only the id).
// Random forfait ids: an id seen in a URL or a log tells nothing of the pseudonym (a hash of it would).
public sealed class ForfaitStore(StorageInitializer storage)
{
    public const string TableName = "forfaits";
    public const string LookupTableName = "forfaitlookup";
    public const string ForfaitLookupPartition = "forfait";
    public const string DigestLookupPartition = "digest";
    public const int MaxBatch = 100;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string Partition(string microstructureId) => "ms|" + microstructureId;

    public static string NaturalKey(string schemeId, string pseudonym, DateOnly inclusion) =>
        $"k|{schemeId}|{pseudonym}|{OrgDates.ToText(inclusion)}";

    public static string ActiveKey(string schemeId, string pseudonym) => $"a|{schemeId}|{pseudonym}";

    public static string NewId() => "f" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(10));

    public static bool IsForfaitId(string? id) =>
        id is { Length: 21 } && id[0] == 'f' && id.Skip(1).All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    public Task<TableClient> TableAsync(CancellationToken cancellationToken = default) => storage.TableAsync(TableName, cancellationToken);

    public async Task<ForfaitEntity?> GetAsync(string microstructureId, string forfaitId, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<ForfaitEntity>(Partition(microstructureId), forfaitId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task<ForfaitKeyEntity?> GetKeyAsync(string microstructureId, string rowKey, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<ForfaitKeyEntity>(Partition(microstructureId), rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task<ForfaitLookupEntity?> FindAsync(string forfaitId, CancellationToken cancellationToken = default)
    {
        if (!IsForfaitId(forfaitId))
        {
            return null;
        }
        var table = await storage.TableAsync(LookupTableName, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<ForfaitLookupEntity>(ForfaitLookupPartition, forfaitId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task AddLookupAsync(ForfaitLookupEntity lookup, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(LookupTableName, cancellationToken);
        await table.UpsertEntityAsync(lookup, TableUpdateMode.Replace, cancellationToken);
    }

    // The forfait, its natural key and its active marker in one transaction; false when the natural
    // key or the active marker exists already (the caller reads which).
    public async Task<bool> TryAddAsync(ForfaitEntity forfait, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(forfait);
        var inclusion = OrgDates.Parse(forfait.InclusionDate);
        var table = await TableAsync(cancellationToken);
        try
        {
            var responses = await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, forfait),
                new TableTransactionAction(TableTransactionActionType.Add, new ForfaitKeyEntity
                {
                    PartitionKey = forfait.PartitionKey, RowKey = NaturalKey(forfait.SchemeId, forfait.Pseudonym, inclusion),
                    ForfaitId = forfait.ForfaitId, InclusionDate = forfait.InclusionDate,
                }),
                new TableTransactionAction(TableTransactionActionType.Add, new ForfaitKeyEntity
                {
                    PartitionKey = forfait.PartitionKey, RowKey = ActiveKey(forfait.SchemeId, forfait.Pseudonym),
                    ForfaitId = forfait.ForfaitId, InclusionDate = forfait.InclusionDate,
                }),
            ], cancellationToken);
            forfait.ETag = responses.Value[0].Headers.ETag ?? forfait.ETag;
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    // Replaces the forfait only if it is still at its ETag; closing also drops its active marker, in the
    // same transaction. False when someone changed it meanwhile.
    public async Task<bool> TryReplaceAsync(ForfaitEntity forfait, bool dropActiveMarker = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(forfait);
        var table = await TableAsync(cancellationToken);
        try
        {
            if (!dropActiveMarker)
            {
                var response = await table.UpdateEntityAsync(forfait, forfait.ETag, TableUpdateMode.Replace, cancellationToken);
                forfait.ETag = response.Headers.ETag ?? forfait.ETag;
                return true;
            }
            var responses = await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, forfait, forfait.ETag),
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(forfait.PartitionKey, ActiveKey(forfait.SchemeId, forfait.Pseudonym)), ETag.All),
            ], cancellationToken);
            forfait.ETag = responses.Value[0].Headers.ETag ?? forfait.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<ForfaitEntity>> ListAsync(string microstructureId, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var list = new List<ForfaitEntity>();
        await foreach (var e in table.QueryAsync<ForfaitEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(microstructureId)} and RowKey ge {"f"} and RowKey lt {"g"}"), cancellationToken: cancellationToken))
        {
            list.Add(e);
        }
        return list;
    }

    // Every forfait of the nation: one range scan (figures of a region or the nation).
    public async Task<IReadOnlyList<ForfaitEntity>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var list = new List<ForfaitEntity>();
        await foreach (var e in table.QueryAsync<ForfaitEntity>("PartitionKey ge 'ms|' and PartitionKey lt 'ms}' and RowKey ge 'f' and RowKey lt 'g'", cancellationToken: cancellationToken))
        {
            list.Add(e);
        }
        return list;
    }

    public static IReadOnlyList<ForfaitPeriod> ReadPeriods(ForfaitEntity entity) =>
        JsonSerializer.Deserialize<List<ForfaitPeriod>>(entity?.Periods ?? "[]", Json) ?? [];

    public static void WritePeriods(ForfaitEntity entity, IReadOnlyList<ForfaitPeriod> periods)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(periods);
        var current = periods[^1];
        entity.Periods = JsonSerializer.Serialize(periods, Json);
        entity.Period = current.Number;
        entity.PeriodStart = OrgDates.ToText(current.Start);
        entity.PeriodEnd = OrgDates.ToText(current.End);
        entity.AmountEuros = (double)current.AmountEuros;
    }

    public static IReadOnlyList<int> ReadLeadTimes(ForfaitEntity entity) =>
        (entity?.LeadTimesDays ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToList();
}
