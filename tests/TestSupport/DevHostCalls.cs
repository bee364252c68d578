using System.Net.Http.Json;
using System.Text.Json;

namespace Microstructures.TestSupport;

// What tests ask of a running DevHost besides the app's routes: the e-mails its SendGrid sink received
// and a queue or timer function run now, as POST /admin/functions/{name} does on the Functions host.
public static class DevHostCalls
{
    // The e-mails the sink received for an address, oldest first (GET /_devhost/outbox?to=).
    public static async Task<JsonElement[]> OutboxAsync(HttpClient client, string to)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/_devhost/outbox?to={Uri.EscapeDataString(to)}", UriKind.Relative)));
        return json.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    // Polls the sink until `count` e-mails to `to` arrived (or the deadline passes), then returns them.
    public static async Task<JsonElement[]> WaitForEmailsAsync(HttpClient client, string to, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        JsonElement[] messages;
        do
        {
            messages = await OutboxAsync(client, to);
            if (messages.Length >= count)
            {
                return messages;
            }
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        return messages;
    }

    // Runs the function and waits for its outcome: {"succeeded", "status", "logs", "error"}.
    public static async Task<JsonElement> RunFunctionAsync(HttpClient client, string name, string input = "")
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsJsonAsync(new Uri($"/admin/functions/{name}?wait=true", UriKind.Relative), new { input });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }
}
