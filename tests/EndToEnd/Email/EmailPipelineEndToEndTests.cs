using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microstructures.TestSupport;

namespace Microstructures.EndToEnd.Email;

// trigger -> outbound-email queue -> SendEmail (through the DevHost's queue listener) -> the real
// SendGrid client -> the DevHost's sink -> outbox JSON.
public sealed class EmailPipelineEndToEndTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task ATestEmailTravelsThroughTheQueueToTheSinkWithItsAttachment()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        const string To = "coordination@example.org";

        using var response = await app.Http.SendAsync(DevHostApp.StaffRequest(HttpMethod.Post, "/api/manage/email/test", new { to = To }));
        var messages = await app.WaitForEmailsAsync(To);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var message = Assert.Single(messages);
        Assert.Equal("Test d'envoi — plateforme des microstructures", message.GetProperty("subject").GetString());
        Assert.Contains(message.GetProperty("attachments").EnumerateArray(), a => a.GetProperty("filename").GetString() == "test.txt");
        Assert.Contains(message.GetProperty("links").EnumerateArray(), l => l.GetString()!.EndsWith("/api/health", StringComparison.Ordinal));
        Assert.Contains("no-reply@example.org", message.GetProperty("from").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheStaffKeyTheTestEmailIsRefused()
    {
        await using var app = await DevHostApp.StartAsync(azurite);

        using var response = await app.Http.PostAsJsonAsync("/api/manage/email/test", new { to = "coordination@example.org" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AProvider5xxIsRetriedAndEndsInOneEmail()
    {
        // Retried at once rather than after host.json's 10 s, by an app setting as on the Functions host.
        await using var app = await DevHostApp.StartAsync(azurite, new Dictionary<string, string>
        {
            ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:00",
        });
        const string To = "panne@example.org";
        using var fault = await app.Http.PostAsJsonAsync("/_devhost/sink/faults", new { status = 503, count = 2 });
        fault.EnsureSuccessStatusCode();

        using var response = await app.Http.SendAsync(DevHostApp.StaffRequest(HttpMethod.Post, "/api/manage/email/test", new { to = To }));
        var emailId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("emailId").GetString()!;
        var messages = await app.WaitForEmailsAsync(To, timeout: TimeSpan.FromSeconds(60));
        // Settled and its queue message gone: nothing can send it again.
        await app.WaitUntilSettledAsync(emailId);

        Assert.Single(messages);
        Assert.Single(await app.OutboxAsync(To));
    }

    [Fact]
    public async Task HealthAnswers200ThroughTheHost()
    {
        await using var app = await DevHostApp.StartAsync(azurite);

        using var response = await app.Http.GetAsync("/api/health");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
    }
}
