using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Email;
using Microstructures.Core.Forfaits;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Storage;
using Microstructures.TestSupport;

namespace Microstructures.Bench;

internal sealed record ForfaitRemindersResult(
    int Forfaits, int Microstructures, int Networks, int DueRows, int DueToday, TimeSpan Seeding,
    TimeSpan Run, int EmailsQueued, int DueTodayLeft, TimeSpan Floor, int Scanned, string RunCpu, string FloorCpu)
{
    public double Ratio => Run.TotalSeconds / Floor.TotalSeconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"forfait reminders: {Forfaits:N0} active forfaits across {Microstructures:N0} microstructures of {Networks} networks, {DueRows:N0} pending reminder rows of which {DueToday:N0} due today " +
        $"(seeded in {Seeding.TotalSeconds:F1} s, not measured); ForfaitRemindersTimer through the DevHost {Run.TotalSeconds:F1} s, {EmailsQueued:N0} e-mails queued, {DueTodayLeft} due rows left; " +
        $"floor (a raw scan of the {Scanned:N0} forfaits, same Azurite) {Floor.TotalSeconds:F1} s; {Ratio:F2}x; CPU used by the run: {RunCpu}; by the floor: {FloorCpu}");
}

// Issue 13's measure: N active forfaits (inclusion dates spread over the past year, so period ends and
// reminders spread over the next; the default lead times 60, 30 and 7 days and the 7-day escalation)
// across M microstructures (one contact address each) of M / 100 networks (two coordinators each), written
// straight into storage as the Core writes them (ForfaitEntity with its periods, ReminderSchedule's due
// rows), in table transactions: not measured. Only the due rows from today on are written: the earlier
// ones were handled and deleted by the runs of the earlier days. Timed: POST /admin/functions/
// ForfaitRemindersTimer?wait=true (the daily run, through the DevHost, with the e-mail queue's function
// running beside it as in production), then the e-mails it recorded and queued are counted (untimed).
// Floor: a raw scan (untyped, every page) of the same forfait entities on the same Azurite, just before.
// Not written (the run does not read them): the forfaits' natural-key and active-marker rows, the
// forfait id lookups, the ledger records of the earlier days.
internal static class ForfaitRemindersMeasure
{
    private const int MicrostructuresPerNetwork = 100;
    private const int SeedParallelism = 8;

    public static async Task<ForfaitRemindersResult> RunAsync(Azurite azurite, int forfaits, int microstructures)
    {
        var storage = azurite.IsolatedConnectionString();
        var port = FreePort.Next();
        var settings = Platform.WriteSettings(storage, port);
        var devHost = Platform.StartDevHost(settings, port);
        try
        {
            var baseUrl = new Uri($"http://127.0.0.1:{port}");
            await Platform.TimeToFirst200Async(devHost, Stopwatch.StartNew(), new Uri(baseUrl, "/api/health"));
            await using var services = Services(storage);
            var tables = services.GetRequiredService<StorageInitializer>();
            var today = OrgDates.Today(TimeProvider.System);
            var seeding = Stopwatch.StartNew();
            var networks = (microstructures + MicrostructuresPerNetwork - 1) / MicrostructuresPerNetwork;
            await SeedOrgTreeAsync(await tables.TableAsync(OrgTreeStore.TableName), networks, microstructures);
            var (dueRows, dueToday) = await SeedForfaitsAsync(await tables.TableAsync(ForfaitStore.TableName), await tables.TableAsync(ReminderStore.DueTableName), forfaits, microstructures, today);
            seeding.Stop();

            using var staff = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(30) };
            staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Platform.StaffKey);
            var worker = (int)(await staff.GetFromJsonAsync<JsonObject>("/admin/host/status"))!["processId"]!;
            (string, int)[] processes = [("azurite", CpuMeter.AzuritePid()), ("devhost", devHost.Id), ("worker", worker), ("bench", Environment.ProcessId)];
            var forfaitsTable = await tables.TableAsync(ForfaitStore.TableName);
            var cpu = CpuMeter.Start(processes);
            var floorClock = Stopwatch.StartNew();
            var scanned = 0;
            await foreach (var _ in forfaitsTable.QueryAsync<TableEntity>("PartitionKey ge 'ms|' and PartitionKey lt 'ms}' and RowKey ge 'f' and RowKey lt 'g'"))
            {
                scanned++;
            }
            var floor = floorClock.Elapsed;
            var floorCpu = cpu.Used();

            cpu = CpuMeter.Start(processes);
            var clock = Stopwatch.StartNew();
            using (var run = await staff.PostAsJsonAsync("/admin/functions/ForfaitRemindersTimer?wait=true", new { input = "" }))
            {
                run.EnsureSuccessStatusCode();
                var outcome = await run.Content.ReadFromJsonAsync<JsonObject>();
                if (outcome?["succeeded"]?.GetValue<bool>() != true)
                {
                    throw new InvalidOperationException("ForfaitRemindersTimer failed: " + outcome);
                }
            }
            var elapsed = clock.Elapsed;
            var runCpu = cpu.Used();

            var emails = await tables.TableAsync(EmailStore.EmailsTable);
            var queued = 0;
            await foreach (var _ in emails.QueryAsync<TableEntity>(
                $"RowKey eq '{EmailStore.RecordRowKey}' and (Category eq '{ForfaitEmails.MicrostructureCategory}' or Category eq '{ForfaitEmails.NetworkCategory}')", select: ["RowKey"]))
            {
                queued++;
            }
            var left = 0;
            await foreach (var _ in (await tables.TableAsync(ReminderStore.DueTableName)).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey le {OrgDates.ToText(today)}"), select: ["RowKey"]))
            {
                left++;
            }
            return new ForfaitRemindersResult(forfaits, microstructures, networks, dueRows, dueToday, seeding.Elapsed, elapsed, queued, left, floor, scanned, runCpu, floorCpu);
        }
        finally
        {
            Platform.Stop(devHost);
            File.Delete(settings);
        }
    }

    private static async Task SeedOrgTreeAsync(TableClient orgTree, int networks, int microstructures)
    {
        var networkRows = Enumerable.Range(0, networks).Select(n => new NetworkEntity
        {
            RowKey = NetworkId(n), Name = $"RMS {n}", CarryingAssociation = "Association exemple", RegionId = $"region-{n % 13}",
            AdministrativeCoordinatorEmail = $"coordination-{n}@example.org", MedicalCoordinatorEmail = $"medecin-{n}@example.org",
        }).ToList();
        await SubmitAsync(orgTree, networkRows.Chunk(100).Select(c => c.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)).ToList()));
        var microstructureRows = Enumerable.Range(0, microstructures).Select(m => new MicrostructureEntity
        {
            PartitionKey = OrgTreeStore.MicrostructurePartition(NetworkId(m / MicrostructuresPerNetwork)), RowKey = MicrostructureId(m),
            NetworkId = NetworkId(m / MicrostructuresPerNetwork), Name = $"Cabinet {m}", Town = "Strasbourg", Postcode = "67000", PracticeType = "cabinet",
            ContactEmails = $"accueil-{m}@example.org", OpenedOn = "2020-01-06",
        });
        await SubmitAsync(orgTree, microstructureRows.GroupBy(e => e.PartitionKey).SelectMany(p => p.Chunk(100))
            .Select(c => c.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)).ToList()));
    }

    // Forfait k belongs to microstructure k % M and was included (today - k % 364) days ago: every
    // microstructure has forfaits ending all along the next year, about N / 364 end each day.
    private static async Task<(int DueRows, int DueToday)> SeedForfaitsAsync(TableClient forfaitsTable, TableClient dueTable, int count, int microstructures, DateOnly today)
    {
        var now = DateTimeOffset.UtcNow;
        var schemes = ForfaitOptions.DefaultSchemes;
        var leadTimes = ReminderSchedule.LeadTimesText(ForfaitOptions.DefaultLeadTimesDays);
        var entities = Enumerable.Range(0, count).Select(k =>
        {
            var m = k % microstructures;
            var scheme = schemes[k % 7 == 0 ? 1 : 0];
            var inclusion = today.AddDays(-(k % 364));
            var entity = new ForfaitEntity
            {
                PartitionKey = ForfaitStore.Partition(MicrostructureId(m)),
                RowKey = "f" + k.ToString("x20", CultureInfo.InvariantCulture),
                MicrostructureId = MicrostructureId(m),
                NetworkId = NetworkId(m / MicrostructuresPerNetwork),
                Pseudonym = $"P{m:D5}-{k / microstructures:D3}",
                SchemeId = scheme.Id,
                SchemeName = scheme.Name,
                InclusionDate = OrgDates.ToText(inclusion),
                LeadTimesDays = leadTimes,
                EscalationDays = 7,
                CreatedAt = now,
                UpdatedAt = now,
            };
            var first = ForfaitPeriods.First(inclusion);
            ForfaitStore.WritePeriods(entity, [new ForfaitPeriod(first.Number, first.Start, first.End, scheme.AmountEuros, PeriodOrigin.Inclusion)]);
            return entity;
        }).ToList();
        await SubmitAsync(forfaitsTable, entities.GroupBy(e => e.PartitionKey).SelectMany(p => p.Chunk(100))
            .Select(c => c.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)).ToList()));
        var due = entities.SelectMany(e => ReminderSchedule.Rows(e, now)).Where(r => r.DueDate >= today).ToList();
        await SubmitAsync(dueTable, due.GroupBy(r => r.PartitionKey).SelectMany(p => p.Chunk(100))
            .Select(c => c.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)).ToList()));
        return (due.Count, due.Count(r => r.DueDate == today));
    }

    private static async Task SubmitAsync(TableClient table, IEnumerable<List<TableTransactionAction>> transactions) =>
        await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = SeedParallelism },
            async (actions, ct) => await table.SubmitTransactionAsync(actions, ct));

    private static string NetworkId(int n) => $"rms-{n:D3}";

    private static string MicrostructureId(int m) => $"ms-{m:D5}";

    private static ServiceProvider Services(string storage) => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage }).Build())
        .AddPlatformStorage()
        .BuildServiceProvider();
}
