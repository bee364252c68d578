using System.Text;
using Microstructures.DevHost.Admin;

namespace Microstructures.DevHost.Pages;

internal static class QueuesPage
{
    public static void MapPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_devhost", () => Html.Page("DevHost", """
            <p>Hôte local des fonctions : il lit host.json, worker.config.json et local.settings.json, démarre le worker .NET isolé et le pilote par le protocole gRPC de l'hôte.</p>
            <ul>
              <li><a href="/_devhost/outbox/page">Courriels reçus par le faux SendGrid</a> (<a href="/_devhost/outbox">JSON</a>)</li>
              <li><a href="/_devhost/queues">Files, files poison et minuteurs</a> (<a href="/_devhost/queues.json">JSON</a>)</li>
              <li><a href="/admin/functions">Fonctions déclarées</a> (JSON)</li>
            </ul>
            """));
        app.MapGet("/_devhost/queues.json", async (DevHostState state, CancellationToken cancellationToken) =>
            TypedResults.Ok(await ReadAsync(state, cancellationToken)));
        app.MapGet("/_devhost/queues", RenderAsync);
        app.MapPost("/_devhost/queues/{queueName}/replay", async (string queueName, DevHostState state, CancellationToken cancellationToken) =>
        {
            var listener = state.Queues.FirstOrDefault(q =>
                string.Equals(q.Poison.Name, queueName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(q.Queue.Name, queueName, StringComparison.OrdinalIgnoreCase));
            return listener is null
                ? Results.NotFound()
                : Results.Ok(new { replayed = await listener.ReplayPoisonAsync(cancellationToken) });
        });
    }

    private sealed record QueueRow(string Function, string Queue, int? Messages, string PoisonQueue, int? PoisonMessages);

    private sealed record TimerRow(string Function, string Schedule, bool UseMonitor, DateTimeOffset? Last, DateTimeOffset? Next, DateTimeOffset? LastRun);

    private sealed record Snapshot(IReadOnlyList<QueueRow> Queues, IReadOnlyList<TimerRow> Timers);

    private static async Task<Snapshot> ReadAsync(DevHostState state, CancellationToken cancellationToken)
    {
        var queues = new List<QueueRow>();
        foreach (var q in state.Queues)
        {
            var (count, poison) = await q.CountsAsync(cancellationToken);
            queues.Add(new QueueRow(q.Function.Name, q.Queue.Name, count, q.Poison.Name, poison));
        }
        var timers = new List<TimerRow>();
        foreach (var t in state.Timers)
        {
            var status = await t.ReadStatusAsync(cancellationToken);
            timers.Add(new TimerRow(t.Function.Name, t.Function.ScheduleText!, t.Function.UseMonitor,
                status?.Last == DateTimeOffset.MinValue ? null : status?.Last, t.NextRun ?? status?.Next, t.LastRun));
        }
        return new Snapshot(queues, timers);
    }

    private static async Task<IResult> RenderAsync(DevHostState state, CancellationToken cancellationToken)
    {
        var snapshot = await ReadAsync(state, cancellationToken);
        var body = new StringBuilder("<h2>Files</h2>");
        if (snapshot.Queues.Count == 0)
        {
            body.Append("<p>Aucune fonction déclenchée par une file.</p>");
        }
        else
        {
            body.Append("<table><thead><tr><th scope=\"col\">Fonction</th><th scope=\"col\">File</th><th scope=\"col\">Messages (approx.)</th>")
                .Append("<th scope=\"col\">File poison</th><th scope=\"col\">Messages poison</th><th scope=\"col\">Action</th></tr></thead><tbody>");
            foreach (var q in snapshot.Queues)
            {
                body.Append("<tr><td>").Append(Html.Encode(q.Function)).Append("</td><td>").Append(Html.Encode(q.Queue)).Append("</td><td>")
                    .Append(q.Messages?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—").Append("</td><td>")
                    .Append(Html.Encode(q.PoisonQueue)).Append("</td><td>")
                    .Append(q.PoisonMessages?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—").Append("</td><td>")
                    .Append("<form method=\"post\" action=\"/_devhost/queues/").Append(Uri.EscapeDataString(q.PoisonQueue)).Append("/replay\">")
                    .Append("<button type=\"submit\" aria-label=\"Rejouer les messages de ").Append(Html.Encode(q.PoisonQueue)).Append("\">Rejouer</button></form></td></tr>");
            }
            body.Append("</tbody></table>");
        }
        body.Append("<h2>Minuteurs</h2>");
        if (snapshot.Timers.Count == 0)
        {
            body.Append("<p>Aucun minuteur.</p>");
        }
        else
        {
            body.Append("<p>Les planifications sont en UTC.</p><table><thead><tr><th scope=\"col\">Fonction</th><th scope=\"col\">Planification</th>")
                .Append("<th scope=\"col\">Moniteur</th><th scope=\"col\">Dernière exécution</th><th scope=\"col\">Prochaine exécution</th></tr></thead><tbody>");
            foreach (var t in snapshot.Timers)
            {
                body.Append("<tr><td>").Append(Html.Encode(t.Function)).Append("</td><td><code>").Append(Html.Encode(t.Schedule)).Append("</code></td><td>")
                    .Append(t.UseMonitor ? "oui" : "non").Append("</td><td>").Append(Html.Encode(Html.Date(t.Last ?? t.LastRun))).Append("</td><td>")
                    .Append(Html.Encode(Html.Date(t.Next))).Append("</td></tr>");
            }
            body.Append("</tbody></table>");
        }
        // Progressive enhancement: without script the form posts and shows the JSON answer.
        body.Append("""
            <script>
            for (const form of document.querySelectorAll('form')) {
              form.addEventListener('submit', async (e) => {
                e.preventDefault();
                const r = await fetch(form.action, { method: 'POST' });
                const j = await r.json();
                alert(j.replayed + ' message(s) rejoué(s)');
                location.reload();
              });
            }
            </script>
            """);
        return Html.Page("Files et minuteurs", body.ToString());
    }
}
