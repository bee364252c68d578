using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microstructures.Core.Registrations;

public sealed record PurgeReport(int NeedsErased, int EventsPurged, int RowsDeleted);

// Retention. Once an event has ended, the accessibility-needs answers (health-related) are erased;
// RetentionDays after it ended, every registrant row goes, keeping only anonymous counts on the
// event row. Safe to rerun and to crash midway: each step looks at what is still there.
public sealed class RegistrationPurge(RegistrationStore store, IOptions<RegistrationOptions> options, TimeProvider time, ILogger<RegistrationPurge> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<PurgeReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        int needs = 0, events = 0, rows = 0;
        var table = await store.TableAsync(cancellationToken);
        foreach (var evt in await store.ListEventsAsync(cancellationToken))
        {
            if (now < evt.EndsAt)
            {
                continue;
            }
            var registrations = await store.ListRegistrationsAsync(evt.EventId, cancellationToken);
            var withNeeds = registrations.Where(r => r.AccessibilityNeeds is not null).ToList();
            foreach (var batch in withNeeds.Chunk(RegistrationStore.MaxBatch))
            {
                foreach (var r in batch)
                {
                    r.AccessibilityNeeds = null;
                }
                // Replace (not merge: a merge keeps a property it is not given), under each row's ETag.
                await store.SubmitAsync(evt.EventId, batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpdateReplace, r, r.ETag)).ToList(), cancellationToken);
                needs += batch.Length;
            }
            if (now - evt.EndsAt < TimeSpan.FromDays(options.Value.RetentionDays))
            {
                continue;
            }
            if (evt.PurgedAt is null)
            {
                evt.ArchivedCounts = JsonSerializer.Serialize(RegistrationReports.Count(evt, registrations), Json);
                evt.PurgedAt = now;
                await table.UpdateEntityAsync(evt, evt.ETag, TableUpdateMode.Replace, cancellationToken);
                events++;
            }
            var doomed = new List<TableEntity>();
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == evt.EventId && e.RowKey != RegistrationStore.EventRowKey, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                doomed.Add(row);
            }
            foreach (var batch in doomed.Chunk(RegistrationStore.MaxBatch))
            {
                await store.SubmitAsync(evt.EventId, batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)).ToList(), cancellationToken);
                rows += batch.Length;
            }
            if (doomed.Count > 0)
            {
                logger.LogInformation("Purged {Rows} registrant rows of {EventId}; anonymous counts kept", doomed.Count, evt.EventId);
            }
        }
        return new PurgeReport(needs, events, rows);
    }

    public static RegistrationCounts? ReadArchivedCounts(EventEntity evt) =>
        evt?.ArchivedCounts is { Length: > 0 } text ? JsonSerializer.Deserialize<RegistrationCounts>(text, Json) : null;
}
