using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Audit;
using Microstructures.Core.Indicators;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Storage;
using Microstructures.Core.Submissions;
using Azure.Data.Tables.Models;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Microstructures.Core.Tests.Submissions;

// The real Core (storage, org tree, submissions, indicators) on one Azurite storage account, with a
// FakeTimeProvider. The ComputeIndicators queue function is played by ProcessQueueAsync, which hands
// each message's text to IndicatorComputation as the function will.
public sealed class SubmissionHarness : IDisposable
{
    public const string RegionEst = "grand-est";
    public const string RegionSud = "occitanie";
    public const string NetworkA = "rms-a";
    public const string NetworkB = "rms-b";
    public const string NetworkC = "rms-c";
    public const string A1 = "cabinet-a1";
    public const string A2 = "cabinet-a2";
    public const string B1 = "cabinet-b1";
    public const string C1 = "cabinet-c1";

    private readonly ServiceProvider _services;

    static SubmissionHarness() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public SubmissionHarness(string connectionString, FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 2, 10, 9, 0, 0, TimeSpan.Zero));
        ConnectionString = connectionString;
        var values = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connectionString };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton<TimeProvider>(Time)
            .AddPlatformStorage()
            .AddReferenceData()
            .AddSubmissions()
            .AddIndicators()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public string ConnectionString { get; }
    public FakeTimeProvider Time { get; }
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();
    public SubmissionService Submissions => Get<SubmissionService>();
    public IndicatorComputation Computation => Get<IndicatorComputation>();
    public OrgTreeService Tree => Get<OrgTreeService>();
    public StorageInitializer Storage => Get<StorageInitializer>();

    public static Actor Network(string networkId) => Actor.NetworkKey("k-" + networkId, networkId);

    // Two regions; Grand Est has networks A (two microstructures) and B (one), Occitanie has C (one).
    // Teams for 2025: A1 2 GPs, A2 1 GP, B1 3 GPs, C1 1 GP.
    public async Task SeedTreeAsync()
    {
        Ok(await Tree.CreateRegionAsync(new RegionInput(RegionEst, "Grand Est"), Actor.Staff));
        Ok(await Tree.CreateRegionAsync(new RegionInput(RegionSud, "Occitanie"), Actor.Staff));
        foreach (var (network, region) in new[] { (NetworkA, RegionEst), (NetworkB, RegionEst), (NetworkC, RegionSud) })
        {
            Ok(await Tree.CreateNetworkAsync(new NetworkInput(network, "RMS " + network, "Association " + network, region, $"admin-{network}@example.org", $"medecin-{network}@example.org"), Actor.Staff));
        }
        foreach (var (id, network, gps) in new[] { (A1, NetworkA, 2), (A2, NetworkA, 1), (B1, NetworkB, 3), (C1, NetworkC, 1) })
        {
            Ok(await Tree.CreateMicrostructureAsync(new MicrostructureInput(id, network, "Cabinet " + id, "Strasbourg", "67000", "cabinet", [$"accueil-{id}@example.org"], "2020-01-06"), Actor.Staff));
            Ok(await Tree.SetTeamAsync(id, 2025, new TeamInput(gps, 1, 1, 0), Actor.Staff));
        }
    }

    private static void Ok<T>(Common.Result<T> result) =>
        Assert.True(result.IsSuccess, string.Join(" ", result.Errors.SelectMany(e => e.Value)) + result.Detail);

    public Task<Common.Result<SubmissionReceipt>> SubmitAsync(string networkId, SubmissionKind kind, string period, byte[] content, string contentType, bool dryRun = false) =>
        Submissions.AcceptAsync(new SubmissionRequest(networkId, kind.Slug(), period, content, contentType, dryRun), Network(networkId));

    public async Task<SubmissionReceipt> SubmitOkAsync(string networkId, SubmissionKind kind, string period, byte[] content, string contentType)
    {
        var result = await SubmitAsync(networkId, kind, period, content, contentType);
        Assert.True(result.IsSuccess, string.Join(" | ", result.Errors.SelectMany(e => e.Value)) + result.Detail);
        return result.Value!;
    }

    public static byte[] Utf8Bom(string text) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)];

    public static byte[] Windows1252(string text) => Encoding.GetEncoding(1252).GetBytes(text);

    // Plays the ComputeIndicators function: every message now on the queue, handed over as text, deleted
    // on success. Returns the texts processed.
    public async Task<List<string>> ProcessQueueAsync()
    {
        var queue = await Storage.QueueAsync(ComputeIndicatorsMessage.QueueName);
        var processed = new List<string>();
        while (true)
        {
            var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (messages.Length == 0)
            {
                return processed;
            }
            foreach (var message in messages)
            {
                var text = message.Body.ToString();
                await Computation.ProcessAsync(text);
                processed.Add(text);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    public async Task<List<TableEntity>> AllRowsAsync(string tableName)
    {
        var table = await Storage.TableAsync(tableName);
        var list = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            list.Add(row);
        }
        return list;
    }

    // Everything the account holds, as text: each table's rows (without timestamps and ETags), each blob's
    // name and length, each queue's messages. Two equal snapshots: nothing was written in between.
    public async Task<string> SnapshotAsync()
    {
        var text = new StringBuilder();
        var tables = new TableServiceClient(ConnectionString);
        await foreach (TableItem item in tables.QueryAsync())
        {
            text.AppendLine("table " + item.Name);
            var rows = new List<string>();
            await foreach (var row in tables.GetTableClient(item.Name).QueryAsync<TableEntity>())
            {
                rows.Add(string.Join(",", row.Where(p => p.Key is not ("Timestamp" or "odata.etag")).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
            }
            rows.Sort(StringComparer.Ordinal);
            rows.ForEach(r => text.AppendLine("  " + r));
        }
        var blobs = new BlobServiceClient(ConnectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            text.AppendLine("container " + container.Name);
            await foreach (var blob in blobs.GetBlobContainerClient(container.Name).GetBlobsAsync())
            {
                text.Append("  ").Append(blob.Name).Append(' ').Append(blob.Properties.ContentLength).AppendLine();
            }
        }
        var queues = new QueueServiceClient(ConnectionString);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            text.AppendLine("queue " + queue.Name);
            foreach (var message in (await queues.GetQueueClient(queue.Name).PeekMessagesAsync(32)).Value)
            {
                text.AppendLine("  " + message.MessageText);
            }
        }
        return text.ToString();
    }

    public void Dispose() => _services.Dispose();
}
