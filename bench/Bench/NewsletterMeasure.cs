using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microstructures.Core.Email;
using Microstructures.Core.Newsletter;
using Microstructures.Core.Storage;
using Microstructures.TestSupport;

namespace Microstructures.Bench;

internal sealed record NewsletterResult(
    int Subscribers, TimeSpan Seeding, TimeSpan Pipeline, TimeSpan TimerRun, int ApiCalls, int Stored, int Sent, int Failed,
    TimeSpan Floor, int FloorCalls, int FloorRefused, int ServerErrors, string PipelineCpu, string FloorCpu)
{
    public double Ratio => Pipeline.TotalSeconds / Floor.TotalSeconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"newsletter: {Subscribers:N0} active subscribers (seeded in {Seeding.TotalSeconds:F1} s, not measured), MonthlyNewsletterTimer -> newsletter-batches -> sink until the campaign is Sent: " +
        $"{Pipeline.TotalSeconds:F1} s (the timer's run {TimerRun.TotalSeconds:F1} s of it), {ApiCalls} SendGrid API calls (goal <= 25), {Stored:N0} e-mails in the sink, {Sent:N0} sent / {Failed} failed; " +
        $"floor (the same {FloorCalls} calls of the same messages posted to the sink directly, 16 at a time) {Floor.TotalSeconds:F1} s, {FloorRefused} refused; {Ratio:F2}x; {ServerErrors} 5xx; CPU used by the pipeline: {PipelineCpu}; by the floor: {FloorCpu}");
}

// Issue 12's measure: N active subscribers (written straight into storage through the Core's
// SubscriberStore, 100 a transaction: not measured), a ready issue of the month (staff API), the send
// day and hour set so this month's send time has passed; timed from POST /admin/functions/
// MonthlyNewsletterTimer until the staff's campaign progress says Sent (every batch settled, so every
// e-mail is in the DevHost's sink: the sink stores before it answers). The SendGrid API calls are
// counted in the sink (its e-mails are named after the call's X-Message-Id). The floor then posts the
// same number of calls, each with the same subject, bodies and per-recipient links and headers as the
// campaign's, through the Core's SendGrid client straight to the same sink (16 at a time, the queue
// listener's batch size): what the sink alone costs. The floor runs second, on a warm sink.
internal static class NewsletterMeasure
{
    private const int FloorParallelism = 16;

    public static async Task<NewsletterResult> RunAsync(Azurite azurite, int subscribers)
    {
        var storage = azurite.IsolatedConnectionString();
        var port = FreePort.Next();
        var settings = Platform.WriteSettings(storage, port, new Dictionary<string, string>
        {
            // Day 1 at midnight (Paris): this month's send time has always passed.
            ["Newsletter__SendDay"] = "1",
            ["Newsletter__SendHour"] = "0",
        });
        var devHost = Platform.StartDevHost(settings, port);
        try
        {
            var baseUrl = new Uri($"http://127.0.0.1:{port}");
            await Platform.TimeToFirst200Async(devHost, Stopwatch.StartNew(), new Uri(baseUrl, "/api/health"));
            await using var services = Services(storage, baseUrl);
            var seeding = Stopwatch.StartNew();
            var people = await SeedAsync(services, subscribers);
            seeding.Stop();

            using var staff = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(10) };
            staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Platform.StaffKey);
            var month = NewsletterMonth.Of(DateTimeOffset.UtcNow);
            (await staff.PutAsJsonAsync($"/api/manage/newsletter/issues/{month}", new { subject = $"Les nouvelles des microstructures — {month.Label}", body = IssueBody })).EnsureSuccessStatusCode();
            (await staff.PostAsync($"/api/manage/newsletter/issues/{month}/ready", null)).EnsureSuccessStatusCode();
            var sink = new BlobServiceClient(storage).GetBlobContainerClient("outbox");
            var before = await NamesAsync(sink);

            var worker = (int)(await staff.GetFromJsonAsync<JsonObject>("/admin/host/status"))!["processId"]!;
            (string, int)[] processes = [("azurite", CpuMeter.AzuritePid()), ("devhost", devHost.Id), ("worker", worker), ("bench", Environment.ProcessId)];
            var serverErrors = 0;
            var cpu = CpuMeter.Start(processes);
            var clock = Stopwatch.StartNew();
            using (var run = await staff.PostAsJsonAsync("/admin/functions/MonthlyNewsletterTimer?wait=true", new { input = "" }))
            {
                run.EnsureSuccessStatusCode();
                var outcome = await run.Content.ReadFromJsonAsync<JsonObject>();
                if (outcome?["succeeded"]?.GetValue<bool>() != true)
                {
                    throw new InvalidOperationException("MonthlyNewsletterTimer failed: " + outcome);
                }
            }
            var timerRun = clock.Elapsed;
            JsonObject? progress = null;
            while (clock.Elapsed < TimeSpan.FromMinutes(30))
            {
                using var response = await staff.GetAsync($"/api/manage/newsletter/issues/{month}/campaign");
                if ((int)response.StatusCode >= 500)
                {
                    serverErrors++;
                }
                if (response.IsSuccessStatusCode)
                {
                    progress = await response.Content.ReadFromJsonAsync<JsonObject>();
                    if (progress?["status"]?.GetValue<string>() == "Sent")
                    {
                        break;
                    }
                }
                await Task.Delay(250);
            }
            var pipeline = clock.Elapsed;
            var pipelineCpu = cpu.Used();
            if (progress?["status"]?.GetValue<string>() != "Sent")
            {
                throw new TimeoutException("the campaign was not sent within 30 minutes: " + progress);
            }
            var stored = (await NamesAsync(sink)).Except(before).ToList();
            // "<yyyyMMddHHmmssfff>-<X-Message-Id>.<nnnn>.json": one X-Message-Id per accepted call.
            var calls = stored.Select(n => n[(n.IndexOf('-', StringComparison.Ordinal) + 1)..].Split('.')[0]).Distinct(StringComparer.Ordinal).Count();

            var (floor, floorCalls, refused, floorCpu) = await FloorAsync(services, month, people, calls, processes);
            return new NewsletterResult(subscribers, seeding.Elapsed, pipeline, timerRun, calls, stored.Count,
                progress["sent"]!.GetValue<int>(), progress["failed"]!.GetValue<int>(), floor, floorCalls, refused, serverErrors, pipelineCpu, floorCpu);
        }
        finally
        {
            Platform.Stop(devHost);
            File.Delete(settings);
        }
    }

    private const string IssueBody = """
        ## Au sommaire

        Les réseaux de microstructures se réunissent à **Metz** pour la Journée nationale : inscriptions ouvertes sur le site.

        ## Les chiffres du mois

        Les équipes ont suivi plus de patients que l'an dernier ; merci aux coordinations régionales pour leurs envois.

        ## Ressources

        - Le guide de l'inclusion, mis à jour
        - Les fiches de liaison avec les CSAPA
        - Le calendrier des formations du semestre
        """;

    // Active subscribers written as the store writes them (100 a transaction, 8 transactions at a time).
    private static async Task<List<(string Id, string Email)>> SeedAsync(ServiceProvider services, int count)
    {
        var ids = services.GetRequiredService<SubscriberIds>();
        var store = services.GetRequiredService<SubscriberStore>();
        var now = DateTimeOffset.UtcNow;
        var entities = Enumerable.Range(0, count).Select(i =>
        {
            var email = $"abonne{i}@example.org";
            return new SubscriberEntity
            {
                RowKey = ids.For(email),
                Email = email,
                Status = nameof(SubscriberStatus.Active),
                CreatedAt = now,
                StatusChangedAt = now,
                Source = nameof(SubscriberSource.Form),
                LegalBasis = nameof(LegalBasis.Consent),
                ConsentAt = now,
                ConsentText = "J'accepte de recevoir la lettre d'information du CNRMS.",
                ConsentVersion = "bench",
                LastInteractionAt = now,
            };
        }).ToList();
        var added = 0;
        await Parallel.ForEachAsync(entities.Chunk(SubscriberStore.MaxBatch), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (chunk, ct) => Interlocked.Add(ref added, await store.AddManyAsync(chunk, ct)));
        if (added != count)
        {
            throw new InvalidOperationException($"seeded {added} of {count} subscribers");
        }
        return entities.Select(e => (e.RowKey, e.Email)).OrderBy(p => p.RowKey, StringComparer.Ordinal).ToList();
    }

    // The campaign's own messages (its frozen snapshot, each recipient's unsubscribe link and headers as
    // NewsletterBatchSender composes them), cut into as many calls as the pipeline made, built before
    // the clock starts, then posted through the Core's SendGrid client to the DevHost's sink.
    private static async Task<(TimeSpan Elapsed, int Calls, int Refused, string Cpu)> FloorAsync(
        ServiceProvider services, NewsletterMonth month, List<(string Id, string Email)> people, int calls, (string, int)[] processes)
    {
        var snapshot = await services.GetRequiredService<CampaignStore>().ReadSnapshotAsync(month);
        var links = services.GetRequiredService<NewsletterLinks>();
        var sender = services.GetRequiredService<IEmailSender>();
        var size = (people.Count + calls - 1) / calls;
        var batches = people.Chunk(size).Select((chunk, number) => new EmailBatch
        {
            Subject = snapshot.Subject,
            Html = snapshot.Html,
            Text = snapshot.Text,
            Category = NewsletterEmails.IssueCategory,
            Headers = new Dictionary<string, string> { [NewsletterLinks.ListUnsubscribePost] = NewsletterLinks.OneClick },
            CustomArgs = new Dictionary<string, string> { [NewsletterBatchSender.CampaignArg] = month.ToString() },
            Recipients = chunk.Select(p =>
            {
                var unsubscribe = links.Unsubscribe(p.Id).ToString();
                return new EmailBatchRecipient
                {
                    To = p.Email,
                    Substitutions = new Dictionary<string, string> { [IssueRenderer.UnsubscribePlaceholder] = unsubscribe },
                    Headers = new Dictionary<string, string> { [NewsletterLinks.ListUnsubscribe] = $"<{unsubscribe}>" },
                    CustomArgs = new Dictionary<string, string> { [NewsletterBatchSender.DeliveryArg] = new DeliveryKey(month, number, p.Id).ToString() },
                };
            }).ToList(),
        }).ToList();
        var refused = 0;
        var cpu = CpuMeter.Start(processes);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = FloorParallelism }, async (batch, ct) =>
        {
            if ((await sender.SendBatchAsync(batch, ct)).Status != EmailSendStatus.Accepted)
            {
                Interlocked.Increment(ref refused);
            }
        });
        return (clock.Elapsed, batches.Count, refused, cpu.Used());
    }

    // The Core's storage, e-mail and newsletter services on the DevHost's storage account, the SendGrid
    // client pointed at its sink, the newsletter's keys as the DevHost's settings have them.
    private static ServiceProvider Services(string storage, Uri devHost)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage,
            ["App:PublicBaseUrl"] = devHost.ToString().TrimEnd('/'),
            ["Email:FromAddress"] = "no-reply@example.org",
            ["Email:FromName"] = "CNRMS",
            ["SendGrid:ApiKey"] = "SG.bench",
            ["SendGrid:Host"] = devHost.ToString().TrimEnd('/'),
            ["Newsletter:SigningKey"] = "bench-newsletter-signing-key-0123456789abcdef",
            ["Newsletter:AddressHashKey"] = "bench-newsletter-address-hash-key-0123456789abcdef",
            ["Newsletter:StaffAlertAddress"] = "equipe@example.org",
            ["Newsletter:PostalAddress"] = "1 rue de l'Exemple, 67000 Strasbourg",
        }).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton(TimeProvider.System)
            .AddPlatformStorage()
            .AddEmail()
            .AddNewsletter()
            .BuildServiceProvider();
    }

    private static async Task<HashSet<string>> NamesAsync(BlobContainerClient container)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (await container.ExistsAsync())
        {
            await foreach (var blob in container.GetBlobsAsync())
            {
                names.Add(blob.Name);
            }
        }
        return names;
    }
}
