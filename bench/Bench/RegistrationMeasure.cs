using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microstructures.TestSupport;

namespace Microstructures.Bench;

// Issue 4's measure (kept by issue 8 with a goal of 1.0x): `attempts` concurrent registrations for `seats`
// seats through the DevHost must give exactly `seats` 201, the rest 202, no other answer; p95 latency
// against a bare endpoint doing one Table insert per request (bench/BareApp POST /api/insert), same
// requests, same Azurite. One rush right after start is noisy and mostly measures JIT (the DevHost and
// the worker compile far more code than the bare app): `rushes` rushes are made on each side, each on an
// event of its own (the platform's next rush waits until the last one's first e-mails are all in the
// sink); the first is printed, the median of all is the measure.
internal sealed record RegistrationRush(int Confirmed, int Waitlisted, int Errors, int ServerErrors, LatencyStats Platform, LatencyStats Bare)
{
    public double P95Ratio => Platform.P95 / Bare.P95;
}

internal sealed record RegistrationResult(IReadOnlyList<RegistrationRush> Rushes, int Attempts, int Seats, IReadOnlyList<string> Problems)
{
    public RegistrationRush First => Rushes[0];

    public double MedianP95Ratio => ColdStartMeasure.Median(Rushes.Select(r => r.P95Ratio).ToList());

    public int Errors => Rushes.Sum(r => r.Errors);

    public int ServerErrors => Rushes.Sum(r => r.ServerErrors);

    public bool Exact => Rushes.All(r => r.Confirmed == Seats && r.Waitlisted == Attempts - Seats && r.Errors == 0) && Problems.Count == 0;
}

internal sealed record LatencyStats(double P50, double P95, double Max, double WallMs)
{
    public static LatencyStats From(IReadOnlyList<double> milliseconds, double wallMs)
    {
        var sorted = milliseconds.Order().ToArray();
        double Rank(double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new LatencyStats(Rank(0.50), Rank(0.95), sorted[^1], wallMs);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"p50 {P50:F0} ms, p95 {P95:F0} ms, max {Max:F0} ms, all answered in {WallMs:F0} ms");
}

internal static class RegistrationMeasure
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const int WarmUpRegistrations = 10;

    public static async Task<RegistrationResult> RunAsync(Azurite azurite, int attempts, int seats, int rushes)
    {
        var bodies = Enumerable.Range(1, attempts).Select(Person).ToArray();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromMinutes(5) };
        var problems = new List<string>();

        // Both side by side, each on a storage account of its own in the same Azurite, their rushes
        // alternating: Azurite slows down as it fills, and the two must meet the same Azurite.
        var barePort = FreePort.Next();
        var bare = Platform.StartBareApp(barePort, azurite.IsolatedConnectionString());
        var storage = azurite.IsolatedConnectionString();
        var port = FreePort.Next();
        var settings = Platform.WriteSettings(storage, port, new Dictionary<string, string>
        {
            // Every request comes from 127.0.0.1: raise the limits to their validated maximum
            // (RegistrationOptions: [Range(1, 100_000)] per IP a minute, [Range(1, 1000)] per e-mail an hour).
            ["Registrations__MaxPerIpPerMinute"] = "100000",
            ["Registrations__MaxPerEmailPerHour"] = "1000",
        });
        var devHost = Platform.StartDevHost(settings, port);
        try
        {
            var insert = new Uri($"http://127.0.0.1:{barePort}/api/insert");
            await Platform.TimeToFirst200Async(bare, Stopwatch.StartNew(), new Uri(insert, "/api/health"));
            var baseUri = new Uri($"http://127.0.0.1:{port}");
            await Platform.TimeToFirst200Async(devHost, Stopwatch.StartNew(), new Uri(baseUri, "/api/health"));
            // Warm-up (JIT, connections, tables): the platform on an event of its own.
            var warmUp = await CreateEventAsync(http, baseUri, "bench-warmup-" + Guid.NewGuid().ToString("N")[..8], 5);
            for (var i = 0; i < WarmUpRegistrations; i++)
            {
                await SendAsync(http, insert, Person(-i - 1));
                await SendAsync(http, new Uri(baseUri, $"/api/events/{warmUp}/registrations"), Person(-i - 1));
            }
            var results = new List<RegistrationRush>();
            for (var rush = 0; rush < rushes; rush++)
            {
                var bareClock = Stopwatch.StartNew();
                var bareAnswers = await Task.WhenAll(bodies.Select(b => SendAsync(http, insert, b)));
                var bareWall = bareClock.Elapsed.TotalMilliseconds;
                if (bareAnswers.Any(a => a.Status != HttpStatusCode.Created))
                {
                    problems.Add($"the bare insert endpoint failed {bareAnswers.Count(a => a.Status != HttpStatusCode.Created)} requests, e.g. {Truncate(bareAnswers.First(a => a.Status != HttpStatusCode.Created).Body)}");
                }

                var eventId = await CreateEventAsync(http, baseUri, "bench-" + Guid.NewGuid().ToString("N")[..10], seats);
                var clock = Stopwatch.StartNew();
                var answers = await Task.WhenAll(bodies.Select(b => SendAsync(http, new Uri(baseUri, $"/api/events/{eventId}/registrations"), b)));
                var wall = clock.Elapsed.TotalMilliseconds;
                var sinceLastAnswer = Stopwatch.StartNew();

                var others = answers.Where(a => a.Status is not (HttpStatusCode.Created or HttpStatusCode.Accepted)).ToList();
                foreach (var group in others.GroupBy(a => a.Status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "exception"))
                {
                    Console.WriteLine($"registration errors: {group.Count()} x {group.Key}, e.g. {Truncate(group.First().Body)}");
                }
                problems.AddRange(await VerifyAsync(http, baseUri, eventId, answers, seats, attempts));
                // The first e-mails are relayed after the answers (RegistrationEmailRelay): not in the latency,
                // but they must all arrive (warm-up registrations included), and be done with before the next rush.
                var expected = attempts * (rush + 1) + WarmUpRegistrations;
                var delivered = await WaitForEmailsAsync(storage, expected, TimeSpan.FromMinutes(5));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"registration e-mails: {delivered} of {expected} first e-mails in the SendGrid sink {sinceLastAnswer.Elapsed.TotalSeconds:F1} s after the last answer of rush {rush + 1}"));
                if (delivered != expected)
                {
                    problems.Add($"{delivered} of {expected} first e-mails reached the sink within 5 minutes");
                }
                var result = new RegistrationRush(
                    answers.Count(a => a.Status == HttpStatusCode.Created), answers.Count(a => a.Status == HttpStatusCode.Accepted),
                    others.Count, others.Count(a => (int?)a.Status >= 500),
                    LatencyStats.From(answers.Select(a => a.Milliseconds).ToList(), wall),
                    LatencyStats.From(bareAnswers.Select(a => a.Milliseconds).ToList(), bareWall));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"registration rush {rush + 1}: {result.Confirmed} confirmed (201), {result.Waitlisted} waitlisted (202), {result.Errors} errors of which {result.ServerErrors} 5xx; " +
                    $"platform {result.Platform}; bare one-insert endpoint {result.Bare}; p95 {result.P95Ratio:F2}x"));
                results.Add(result);
            }
            return new RegistrationResult(results, attempts, seats, problems);
        }
        finally
        {
            Platform.Stop(devHost);
            Platform.Stop(bare);
            File.Delete(settings);
        }
    }

    private sealed record Answer(HttpStatusCode? Status, string Body, double Milliseconds);

    private static async Task<Answer> SendAsync(HttpClient http, Uri url, string json)
    {
        // StringContent has a Content-Length: the Functions host and the DevHost forward no chunked body.
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.PostAsync(url, content);
            var body = await response.Content.ReadAsStringAsync();
            return new Answer(response.StatusCode, body, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new Answer(null, ex.GetType().Name + ": " + ex.Message, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    private static string Person(int i) => JsonSerializer.Serialize(new
    {
        firstName = "Camille",
        lastName = "Exemple",
        email = $"participant{i.ToString(CultureInfo.InvariantCulture).Replace('-', 'w')}@example.org",
        profession = "medecin-generaliste",
        organisation = "Cabinet du Parc",
        region = "Grand Est",
        newsletterOptIn = false,
    }, Json);

    private static async Task<string> CreateEventAsync(HttpClient http, Uri baseUri, string eventId, int capacity)
    {
        var now = DateTimeOffset.UtcNow;
        string At(TimeSpan offset) => (now + offset).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var body = JsonSerializer.Serialize(new
        {
            title = "Journée Nationale des Microstructures (bench)",
            startsAt = At(TimeSpan.FromDays(30)),
            endsAt = At(TimeSpan.FromDays(30) + TimeSpan.FromHours(9)),
            venue = "Salle ASIEM",
            address = "6 rue Albert de Lapparent, 75007 Paris",
            capacity,
            registrationOpensAt = At(TimeSpan.FromDays(-1)),
            registrationClosesAt = At(TimeSpan.FromDays(20)),
            contactEmail = "contact@example.org",
        }, Json);
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(baseUri, $"/api/manage/events/{eventId}"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Platform.StaffKey);
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"PUT event answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return eventId;
    }

    // What storage says after the run, three ways: the public summary (seats left, waitlisted), the
    // staff counts (the event row's counters) and the staff list (the registration rows themselves);
    // plus the waitlist positions the 202 answers gave (1..N, each once).
    private static async Task<List<string>> VerifyAsync(HttpClient http, Uri baseUri, string eventId, Answer[] answers, int seats, int attempts)
    {
        var problems = new List<string>();
        var summary = JsonDocument.Parse(await http.GetStringAsync(new Uri(baseUri, $"/api/events/{eventId}"))).RootElement;
        var publicConfirmed = summary.GetProperty("capacity").GetInt32() - summary.GetProperty("seatsLeft").GetInt32();
        var publicWaitlisted = summary.GetProperty("waitlisted").GetInt32();

        var counts = JsonDocument.Parse(await StaffGetAsync(http, new Uri(baseUri, $"/api/manage/events/{eventId}/counts"))).RootElement;
        var counterConfirmed = counts.GetProperty("confirmed").GetInt32();
        var counterWaitlisted = counts.GetProperty("waitlisted").GetInt32();

        var rows = JsonDocument.Parse(await StaffGetAsync(http, new Uri(baseUri, $"/api/manage/events/{eventId}/registrations"))).RootElement.EnumerateArray().ToList();
        var rowsConfirmed = rows.Count(r => r.GetProperty("status").GetString() == "Confirmed");
        var rowsWaitlisted = rows.Count(r => r.GetProperty("status").GetString() == "Waitlisted");

        var positions = answers.Where(a => a.Status == HttpStatusCode.Accepted)
            .Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("waitlistPosition").GetInt32()).Order().ToList();
        var positionsOk = positions.SequenceEqual(Enumerable.Range(1, positions.Count));

        Console.WriteLine($"registration storage: public summary {publicConfirmed} confirmed / {publicWaitlisted} waitlisted (capacity - seatsLeft, so an overbooking would not show here), " +
            $"event counters {counterConfirmed} / {counterWaitlisted}, rows {rowsConfirmed} / {rowsWaitlisted} of {rows.Count}, waitlist positions 1..{positions.Count} {(positionsOk ? "each once" : "NOT each once")}");
        var expectedWaitlisted = attempts - seats;
        if (publicConfirmed != seats || publicWaitlisted != expectedWaitlisted)
        {
            problems.Add($"public summary says {publicConfirmed} confirmed / {publicWaitlisted} waitlisted");
        }
        if (counterConfirmed != seats || counterWaitlisted != expectedWaitlisted)
        {
            problems.Add($"event counters say {counterConfirmed} confirmed / {counterWaitlisted} waitlisted");
        }
        if (rowsConfirmed != seats || rowsWaitlisted != expectedWaitlisted || rows.Count != attempts)
        {
            problems.Add($"registration rows: {rowsConfirmed} confirmed / {rowsWaitlisted} waitlisted of {rows.Count}");
        }
        if (!positionsOk)
        {
            problems.Add($"waitlist positions are not 1..{positions.Count} each once");
        }
        return problems;
    }

    // Waits until the sink holds `expected` messages (counted by listing blob names only, as the queue
    // measure does) and the app's e-mail queues are empty (every e-mail settled); returns the count.
    private static async Task<int> WaitForEmailsAsync(string storage, int expected, TimeSpan timeout)
    {
        var sinkOutbox = new Azure.Storage.Blobs.BlobServiceClient(storage).GetBlobContainerClient("outbox");
        var queues = new Azure.Storage.Queues.QueueServiceClient(storage);
        var clock = Stopwatch.StartNew();
        var stored = 0;
        while (clock.Elapsed < timeout)
        {
            stored = 0;
            if (await sinkOutbox.ExistsAsync())
            {
                await foreach (var _ in sinkOutbox.GetBlobsAsync())
                {
                    stored++;
                }
            }
            if (stored >= expected && await EmptyAsync(queues, "registration-emails") && await EmptyAsync(queues, "outbound-email"))
            {
                break;
            }
            await Task.Delay(250);
        }
        return stored;
    }

    private static async Task<bool> EmptyAsync(Azure.Storage.Queues.QueueServiceClient queues, string name) =>
        (await queues.GetQueueClient(name).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0;

    private static async Task<string> StaffGetAsync(HttpClient http, Uri url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Platform.StaffKey);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {Truncate(body)}");
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
