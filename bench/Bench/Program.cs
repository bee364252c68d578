using System.Globalization;
using Microstructures.Bench;
using Microstructures.TestSupport;

// Issue 8's measures, each against a floor measured in the same run on the same machine (Release builds,
// the DevHost CLI started as ./run.sh starts it):
//  1. cold start: process start -> first 200 on /api/health through the DevHost driving the app's worker, vs
//     the same DevHost driving a one-function worker (bench/BareWorker); the bare ASP.NET Core app beside;
//  2. queue path: e-mails/s through DevHost -> SendEmail -> sink, vs the same storage and sink calls in one
//     process without a host; raw queue send+receive+delete beside;
//  3. registration: 1,000 concurrent registrations for 300 seats through the DevHost (exactly 300 201,
//     700 202, nothing else), p95 latency vs a bare endpoint doing one Table insert per request (three
//     rushes each side: the median, the first printed);
//  4. HTTP overhead per request through the DevHost vs the bare app, sequential and 8 concurrent clients;
//  and, only when asked (--only ready-to-run), the deployment package's cold start (ReadyToRun) against the same
//  publish without ReadyToRun.
// Every measure prints its count of 5xx answers. Ratios are printed, never asserted: these machines are
// noisy. The last line is the summary of every ratio measured.
//  and issue 11's submissions, issue 12's newsletter, issue 13's forfait reminders (see bench.sh).
// Arguments: [cold-start runs (5)] [e-mails (300)] [--only cold-start,queue,registration,http,submissions,newsletter,forfait-reminders,ready-to-run]
var inv = CultureInfo.InvariantCulture;
var positional = new List<string>();
var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
string[] known = ["cold-start", "queue", "registration", "http", "ready-to-run", "submissions", "newsletter", "forfait-reminders"];
for (var a = 0; a < args.Length; a++)
{
    if (args[a] == "--only" && a + 1 < args.Length)
    {
        foreach (var name in args[++a].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            only.Add(known.Contains(name, StringComparer.OrdinalIgnoreCase) ? name : throw new ArgumentException($"unknown measure '{name}': use {string.Join(", ", known)}"));
        }
    }
    else
    {
        positional.Add(args[a]);
    }
}
bool Runs(string measure) => only.Count == 0 || only.Contains(measure);
var runs = positional.Count > 0 ? int.Parse(positional[0], inv) : 5;
var emails = positional.Count > 1 ? int.Parse(positional[1], inv) : 300;
const int RegistrationAttempts = 1000;
const int Seats = 300;
const int RegistrationRushes = 3;
const int HttpRequests = 500;
const int HttpClients = 8;
var SubmittedFiches = int.TryParse(Environment.GetEnvironmentVariable("BENCH_FICHES"), NumberStyles.None, inv, out var fichesWanted) ? fichesWanted : 100_000;
const int SubmittingNetworks = 50;
const int SubmissionBatch = 1_000;
var ReminderForfaits = int.TryParse(Environment.GetEnvironmentVariable("BENCH_FORFAITS"), NumberStyles.None, inv, out var forfaitsWanted) ? forfaitsWanted : 200_000;
const int ReminderMicrostructures = 10_000;
var NewsletterSubscribers = int.TryParse(Environment.GetEnvironmentVariable("BENCH_SUBSCRIBERS"), NumberStyles.None, inv, out var subscribersWanted) ? subscribersWanted : 20_000;

var azurite = new Azurite();
await azurite.InitializeAsync();
Platform.Track(azurite.Process!);
try
{
    var summary = new List<string>();
    if (Runs("cold-start"))
    {
        var r = await ColdStartMeasure.RunAsync(azurite, runs);
        Console.WriteLine(r);
        summary.Add(string.Create(inv, $"cold_start={r.Ratio:F2}x (goal <= 1.3x; bare app {r.Platform / r.BareApp:F2}x)"));
    }

    if (Runs("queue"))
    {
        var r = await QueueMeasure.RunAsync(azurite, emails);
        Console.WriteLine(r);
        summary.Add(string.Create(inv, $"queue_path={r.Ratio:F2}x (goal >= 0.7x; raw queue {r.Pipeline.Rate / r.Raw:F2}x)"));
    }

    if (Runs("registration"))
    {
        var r = await RegistrationMeasure.RunAsync(azurite, RegistrationAttempts, Seats, RegistrationRushes);
        Console.WriteLine(string.Create(inv,
            $"registration: {RegistrationRushes} rushes of {r.Attempts} concurrent attempts for {r.Seats} seats, p95 {r.MedianP95Ratio:F2}x the one-insert floor (median; first rush {r.First.P95Ratio:F2}x), " +
            $"{r.Errors} errors of which {r.ServerErrors} 5xx"));
        foreach (var problem in r.Problems)
        {
            Console.WriteLine("registration PROBLEM: " + problem);
        }
        summary.Add(string.Create(inv, $"registration_p95={r.MedianP95Ratio:F2}x (goal <= 1.0x; first rush {r.First.P95Ratio:F2}x), {r.First.Confirmed}/{r.First.Waitlisted}/{r.Errors} (goal {r.Seats}/{r.Attempts - r.Seats}/0{(r.Exact ? "" : ", NOT MET")})"));
    }

    if (Runs("http"))
    {
        var r = await HttpOverheadMeasure.RunAsync(azurite, HttpRequests, HttpClients);
        Console.WriteLine(r);
        summary.Add(string.Create(inv, $"http_sequential={r.Sequential.Ratio:F2}x (+{r.Sequential.Overhead:F2} ms) http_{HttpClients}_clients={r.Concurrent.Ratio:F2}x (+{r.Concurrent.Overhead:F2} ms)"));
    }

    if (Runs("submissions"))
    {
        var r = await SubmissionsMeasure.RunAsync(azurite, SubmittedFiches, SubmittingNetworks, SubmissionBatch);
        Console.WriteLine(r);
        summary.Add(string.Create(inv, $"submissions={r.Ratio:F2}x (goal <= 3x; worker peak {r.WorkerPeakBytes / 1024.0 / 1024.0:F0} MiB)"));
    }

    if (Runs("newsletter"))
    {
        var r = await NewsletterMeasure.RunAsync(azurite, NewsletterSubscribers);
        Console.WriteLine(r);
        summary.Add(string.Create(inv, $"newsletter={r.Ratio:F2}x (goal <= 2x), {r.ApiCalls} SendGrid calls (goal <= 25)"));
    }

    if (Runs("forfait-reminders"))
    {
        var r = await ForfaitRemindersMeasure.RunAsync(azurite, ReminderForfaits, ReminderMicrostructures);
        Console.WriteLine(r);
        summary.Add(string.Create(inv, $"forfait_reminders={r.Ratio:F2}x (goal <= 2x), {r.EmailsQueued} e-mails queued"));
    }

    // Not in the default run (it publishes the app twice): --only ready-to-run.
    if (only.Contains("ready-to-run"))
    {
        var r = await ReadyToRunMeasure.RunAsync(azurite, runs);
        Console.WriteLine(r);
        summary.Add(string.Create(inv, $"ready_to_run={r.Ratio:F2}x (the package's cold start against the same publish without ReadyToRun)"));
    }

    Console.WriteLine("ratios: " + string.Join(' ', summary));
}
finally
{
    await azurite.DisposeAsync();
}
