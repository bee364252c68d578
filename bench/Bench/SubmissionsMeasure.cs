using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microstructures.TestSupport;

namespace Microstructures.Bench;

internal sealed record SubmissionsResult(int Fiches, int Networks, int BatchSize, TimeSpan Pipeline, TimeSpan Floor, int ServerErrors, long WorkerPeakBytes, long? NationPatients)
{
    public double Ratio => Pipeline.TotalSeconds / Floor.TotalSeconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"submissions: {Fiches:N0} patient fiches from {Networks} networks in files of {BatchSize:N0}, sent 8 at a time until every indicator is up to date " +
        $"(nation: {NationPatients:N0} patients): {Pipeline.TotalSeconds:F1} s; floor (the same number of entities written in 100-entity batches and read back, same Azurite) " +
        $"{Floor.TotalSeconds:F1} s; {Ratio:F2}x; {ServerErrors} 5xx; worker peak memory (VmHWM) {WorkerPeakBytes / 1024.0 / 1024.0:F0} MiB");
}

// Issue 11's measure: fiches submitted over HTTP through the DevHost with network keys, then the
// ComputeIndicators queue function writes the rows and the facts; timed from the first POST until the
// staff's nation figures count every fiche and every receipt is accepted. The floor writes and reads back
// as many entities of the same size in 100-entity transactions (8 at a time) on the same Azurite.
internal static class SubmissionsMeasure
{
    private const int MicrostructuresPerNetwork = 4;
    private const int Regions = 5;

    public static async Task<SubmissionsResult> RunAsync(Azurite azurite, int fiches, int networks, int batch)
    {
        var floor = await FloorAsync(azurite.IsolatedConnectionString(), fiches);
        var storage = azurite.IsolatedConnectionString();
        var port = FreePort.Next();
        var settings = Platform.WriteSettings(storage, port, new Dictionary<string, string> { ["Submissions__MaxRows"] = "200000" });
        var devHost = Platform.StartDevHost(settings, port);
        try
        {
            var baseUrl = new Uri($"http://127.0.0.1:{port}");
            await Platform.TimeToFirst200Async(devHost, Stopwatch.StartNew(), new Uri(baseUrl, "/api/health"));
            using var staff = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
            staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Platform.StaffKey);
            var keys = await CreateTreeAsync(staff, networks);
            var files = new List<(string Key, byte[] Csv)>();
            // Files dealt to the networks in turn (two each for 100,000 fiches from 50 networks).
            for (var f = 0; f < fiches / batch; f++)
            {
                files.Add((keys[f % networks], Csv(f % networks, f / networks, batch)));
            }
            var total = files.Count * batch;
            var serverErrors = 0;
            var statusUrls = new System.Collections.Concurrent.ConcurrentBag<(string Key, string Url)>();
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (file, ct) =>
            {
                using var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", file.Key);
                using var body = new ByteArrayContent(file.Csv);
                body.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                using var response = await client.PostAsync("/api/network/submissions?kind=patient-fiches&period=2025", body, ct);
                if ((int)response.StatusCode >= 500)
                {
                    Interlocked.Increment(ref serverErrors);
                }
                response.EnsureSuccessStatusCode();
                statusUrls.Add((file.Key, (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["statusUrl"]!.GetValue<string>()));
            });
            long? patients = null;
            var deadline = DateTime.UtcNow.AddMinutes(60);
            while (DateTime.UtcNow < deadline)
            {
                var nation = await staff.GetFromJsonAsync<JsonObject>("/api/manage/indicators?year=2025");
                patients = (long?)nation!["node"]!["values"]!.AsArray().First(v => v!["code"]!.GetValue<string>() == "patients")!["value"]?.GetValue<double>();
                if (patients == total)
                {
                    break;
                }
                await Task.Delay(500);
            }
            foreach (var (key, url) in statusUrls)
            {
                using var client = new HttpClient { BaseAddress = baseUrl };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
                while ((await client.GetFromJsonAsync<JsonObject>(url))!["status"]!.GetValue<string>() == "queued" && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200);
                }
            }
            var elapsed = clock.Elapsed;
            var pid = await WorkerPidAsync(staff);
            return new SubmissionsResult(total, networks, batch, elapsed, floor, serverErrors, PeakBytes(pid), patients);
        }
        finally
        {
            Platform.Stop(devHost);
            File.Delete(settings);
        }
    }

    private static async Task<List<string>> CreateTreeAsync(HttpClient staff, int networks)
    {
        for (var r = 0; r < Regions; r++)
        {
            (await staff.PostAsJsonAsync("/api/manage/regions", new { id = $"region-{r}", name = $"Région {r}" })).EnsureSuccessStatusCode();
        }
        var keys = new List<string>();
        for (var n = 0; n < networks; n++)
        {
            (await staff.PostAsJsonAsync("/api/manage/networks", new
            {
                id = $"rms-{n}", name = $"RMS {n}", carryingAssociation = "Association exemple", regionId = $"region-{n % Regions}",
                administrativeCoordinatorEmail = "coordination@example.org", medicalCoordinatorEmail = "medecin@example.org",
            })).EnsureSuccessStatusCode();
            for (var m = 0; m < MicrostructuresPerNetwork; m++)
            {
                (await staff.PostAsJsonAsync("/api/manage/microstructures", new
                {
                    id = $"ms-{n}-{m}", networkId = $"rms-{n}", name = $"Cabinet {n}-{m}", town = "Strasbourg", postcode = "67000", practiceType = "cabinet",
                    contactEmails = new[] { "accueil@example.org" }, openedOn = "2020-01-06",
                })).EnsureSuccessStatusCode();
            }
            var issued = await staff.PostAsJsonAsync($"/api/manage/networks/rms-{n}/keys", new { label = "bench" });
            issued.EnsureSuccessStatusCode();
            keys.Add((await issued.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>());
        }
        return keys;
    }

    private static readonly string[] Substances = ["alcohol", "tobacco", "cannabis", "cocaine", "opiates"];

    private static byte[] Csv(int network, int file, int rows)
    {
        var text = new StringBuilder("microstructure_id;pseudonyme;annee_naissance;sexe;date_inclusion;experimentation;motif_principal;autres_motifs;produit_principal;polyconsommation;troubles_cim10;actes_medecin;actes_psychologue;actes_travailleur_social\r\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"ms-{network}-{i % MicrostructuresPerNetwork};P{network}-{file}-{i:D5};{1945 + i % 60};{(i % 2 == 0 ? "female" : "male")};2025-{1 + i % 12:D2}-10;equip-addict;addiction;precarity;{Substances[i % 5]};{(i % 3 == 0 ? "oui" : "non")};F30-F39;{1 + i % 7};{i % 4};{i % 3}\r\n");
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    // As many entities as fiches, about the size of a stored fiche row, written in 100-entity transactions
    // (one partition each, 8 at a time) and read back partition by partition.
    private static async Task<TimeSpan> FloorAsync(string storage, int count)
    {
        var table = new TableClient(storage, "benchfloor");
        await table.CreateIfNotExistsAsync();
        var data = new string('x', 420);
        var clock = Stopwatch.StartNew();
        var partitions = Enumerable.Range(0, count / 100).ToList();
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (p, ct) =>
        {
            var actions = Enumerable.Range(0, 100).Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity($"p{p:D5}", $"r{i:D3}") { ["Data"] = data, ["Version"] = "2026.1", ["ReceiptId"] = "0123456789abcdef0123456789abcdef" })).ToList();
            await table.SubmitTransactionAsync(actions, ct);
        });
        var read = 0;
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (p, ct) =>
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == $"p{p:D5}", cancellationToken: ct))
            {
                Interlocked.Increment(ref read);
            }
        });
        if (read != partitions.Count * 100)
        {
            throw new InvalidOperationException($"floor read back {read} entities");
        }
        return clock.Elapsed;
    }

    private static async Task<int> WorkerPidAsync(HttpClient client) =>
        (int)(await client.GetFromJsonAsync<JsonObject>("/admin/host/status"))!["processId"]!;

    // Peak resident memory of the worker process so far (Linux /proc; 0 elsewhere).
    private static long PeakBytes(int pid)
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path))
        {
            return 0;
        }
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
