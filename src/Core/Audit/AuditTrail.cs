using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Storage;

namespace Microstructures.Core.Audit;

// Who made a change: the CNRMS staff (staff key) or one network key (its id and network).
public sealed record Actor(string Kind, string Id, string? NetworkId)
{
    public const string StaffKind = "staff";
    public const string NetworkKeyKind = "networkKey";
    public const string SystemKind = "system";
    public const string DigestLinkKind = "digestLink";

    public static Actor Staff { get; } = new(StaffKind, "staff", null);

    // The platform itself, e.g. loading the sample tree at start-up.
    public static Actor System(string what) => new(SystemKind, what, null);

    public static Actor NetworkKey(string keyId, string networkId) => new(NetworkKeyKind, keyId, networkId);

    // Whoever opened a forfait reminder's signed link (a microstructure's contact or a network coordinator).
    public static Actor DigestLink(string digestId, string networkId) => new(DigestLinkKind, digestId, networkId);

    public string Label => Kind switch
    {
        StaffKind => "Équipe CNRMS",
        NetworkKeyKind => $"Clé réseau {Id} ({NetworkId})",
        DigestLinkKind => $"Lien de rappel {Id} ({NetworkId})",
        _ => $"Plateforme ({Id})",
    };
}

public sealed record AuditChange(string? Before, string? After);

public sealed record AuditEntry(
    string EntityType, string EntityId, DateTimeOffset At, string ActorKind, string ActorId, string? ActorNetworkId,
    string ActorLabel, string Action, IReadOnlyDictionary<string, AuditChange> Changes);

public static class AuditEntityTypes
{
    public const string Region = "region";
    public const string Network = "network";
    public const string Microstructure = "microstructure";

    // An event and everything staff did to its registrations (register, edit, cancel on someone's behalf, messages).
    public const string Event = "event";

    // A forfait (inclusion, renewals, closure, snoozed and acknowledged reminders).
    public const string Forfait = "forfait";

    // A network's activity-data submission (receipt id): who sent it, what the receipt said.
    public const string Submission = "submission";

    // A pseudonymous dataset handed to evaluators (id: kind and period): who exported it, how many rows.
    public const string EvaluatorExport = "evaluatorexport";

    // A staff rebuild of every indicator from the raw submissions (id: "all").
    public const string IndicatorRebuild = "indicatorrebuild";

    // A "-poison" queue (id: its name) and the staff's replays of its messages (one by id, or all).
    public const string PoisonQueue = "poisonqueue";

    public static bool IsKnown(string? value) => value is Region or Network or Microstructure or Event or Forfait or Submission or EvaluatorExport or IndicatorRebuild or PoisonQueue;
}

public sealed class AuditEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public DateTimeOffset At { get; set; }
    public string ActorKind { get; set; } = "";
    public string ActorId { get; set; } = "";
    public string? ActorNetworkId { get; set; }
    public string Action { get; set; } = "";
    public string Changes { get; set; } = "{}";
}

// Key design, table "audit": PK = "<entityType>|<entityId>" (the trail of one entity is one partition,
// which is how it is read), RK = inverted ticks + a random suffix, so a query returns newest first and
// two changes in the same tick do not collide. Entries are only ever added.
// An entry is written right after the change it describes succeeded (another table, so not in the
// same batch): a crash between the two loses the entry, never the change.
public sealed class AuditTrail(StorageInitializer storage, TimeProvider time)
{
    public const string TableName = "audit";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Partition(string entityType, string entityId) => entityType + "|" + entityId;

    public async Task RecordAsync(string entityType, string entityId, Actor actor, string action, object? before, object? after, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var at = time.GetUtcNow();
        var entity = new AuditEntity
        {
            PartitionKey = Partition(entityType, entityId),
            RowKey = (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8],
            At = at,
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            ActorNetworkId = actor.NetworkId,
            Action = action,
            Changes = JsonSerializer.Serialize(Diff(before, after), Json),
        };
        var table = await storage.TableAsync(TableName, cancellationToken);
        await table.AddEntityAsync(entity, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string entityType, string entityId, int max = 200, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName, cancellationToken);
        var entries = new List<AuditEntry>();
        await foreach (var e in table.QueryAsync<AuditEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(entityType, entityId)}"), maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            var actor = new Actor(e.ActorKind, e.ActorId, e.ActorNetworkId);
            entries.Add(new AuditEntry(entityType, entityId, e.At, e.ActorKind, e.ActorId, e.ActorNetworkId, actor.Label, e.Action,
                JsonSerializer.Deserialize<Dictionary<string, AuditChange>>(e.Changes, Json) ?? []));
            if (entries.Count >= max)
            {
                break;
            }
        }
        return entries;
    }

    // Field-by-field difference of two snapshots (Version, the ETag, is noise and left out).
    public static Dictionary<string, AuditChange> Diff(object? before, object? after)
    {
        var b = before is null ? [] : JsonSerializer.SerializeToNode(before, Json) as JsonObject ?? [];
        var a = after is null ? [] : JsonSerializer.SerializeToNode(after, Json) as JsonObject ?? [];
        var changes = new Dictionary<string, AuditChange>(StringComparer.Ordinal);
        foreach (var name in b.Select(p => p.Key).Union(a.Select(p => p.Key)).Where(n => n is not ("version" or "teams")))
        {
            var was = Text(b[name]);
            var now = Text(a[name]);
            if (was != now)
            {
                changes[name] = new AuditChange(was, now);
            }
        }
        return changes;
    }

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray array => string.Join(", ", array.Select(x => x?.ToString())),
        _ => node.ToJsonString(),
    };
}
