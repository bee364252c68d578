using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microstructures.DevHost.Tests.Support;

namespace Microstructures.DevHost.Tests.Sink;

public sealed class EmailSinkFixture : SharedHostFixture;

// Tests in one class run one after another and share this DevHost's outbox: each uses its own addresses.
public sealed class EmailSinkTests(EmailSinkFixture fixture) : IClassFixture<EmailSinkFixture>
{
    private static readonly string Pdf = Convert.ToBase64String(Encoding.ASCII.GetBytes("%PDF-1.4 fake"));

    private HttpClient NewClient()
    {
        var client = new HttpClient { BaseAddress = fixture.Host.Server.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "SG.test-key");
        return client;
    }

    private static string Unique(string name) => $"{name}.{Guid.NewGuid():N}@example.org";

    private static JsonObject Mail(JsonArray personalizations, string? subject = "Confirmation {{event}}") => new()
    {
        ["personalizations"] = personalizations,
        ["from"] = new JsonObject { ["email"] = "noreply@cnrms.example", ["name"] = "CNRMS" },
        ["subject"] = subject,
        ["content"] = new JsonArray(
            new JsonObject { ["type"] = "text/plain", ["value"] = "Bonjour {{name}}" },
            new JsonObject { ["type"] = "text/html", ["value"] = "<p>Bonjour {{name}}, <a href=\"https://app.example/confirm?id=1&amp;sig=abc\">confirmer</a> <a href='https://app.example/unsubscribe'>désinscription</a></p>" }),
        ["attachments"] = new JsonArray(new JsonObject { ["content"] = Pdf, ["filename"] = "billet.pdf", ["type"] = "application/pdf", ["disposition"] = "attachment" }),
        ["custom_args"] = new JsonObject { ["emailId"] = "e-1" },
        ["tracking_settings"] = new JsonObject { ["click_tracking"] = new JsonObject { ["enable"] = false } },
    };

    private static JsonObject To(string email, string name) => new()
    {
        ["to"] = new JsonArray(new JsonObject { ["email"] = email }),
        ["substitutions"] = new JsonObject { ["{{name}}"] = name, ["{{event}}"] = "Journée 2026" },
    };

    private static async Task<JsonArray> OutboxAsync(HttpClient client, string query = "") =>
        (await client.GetFromJsonAsync<JsonArray>("/_devhost/outbox" + query))!;

    [Fact]
    public async Task TwoPersonalizationsStoreTwoMessagesWithSubstitutedSubjects()
    {
        using var root = NewClient();
        var (alice, bob) = (Unique("alice"), Unique("bob"));
        var response = await root.PostAsJsonAsync("/v3/mail/send", Mail(new JsonArray(To(alice, "Alice"), To(bob, "Bob"))));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("X-Message-Id").Single()));
        var toAlice = Assert.Single(await OutboxAsync(root, "?to=" + Uri.EscapeDataString(alice.ToUpperInvariant())))!;
        Assert.Equal("Confirmation Journée 2026", (string)toAlice["subject"]!);
        Assert.Equal("Bonjour Alice", (string)toAlice["text"]!);
        Assert.Equal("e-1", (string)toAlice["customArgs"]!["emailId"]!);
        var toBob = Assert.Single(await OutboxAsync(root, "?to=" + Uri.EscapeDataString(bob)))!;
        Assert.Contains("Bonjour Bob", (string)toBob["html"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutboxListsLinksAndAttachmentsAndFiltersBySince()
    {
        using var root = NewClient();
        var early = Unique("early");
        await root.PostAsJsonAsync("/v3/mail/send", Mail(new JsonArray(To(early, "Early"))));
        var since = DateTimeOffset.UtcNow;
        await Eventually.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > since.AddMilliseconds(5), "the clock to move");
        var late = Unique("late");
        await root.PostAsJsonAsync("/v3/mail/send", Mail(new JsonArray(To(late, "Late"))));

        var message = Assert.Single(await OutboxAsync(root, "?to=" + Uri.EscapeDataString(late)))!;
        Assert.Equal(["https://app.example/confirm?id=1&sig=abc", "https://app.example/unsubscribe"],
            message["links"]!.AsArray().Select(l => (string)l!).ToArray());
        Assert.Equal("billet.pdf", (string)message["attachments"]![0]!["filename"]!);
        Assert.Equal("application/pdf", (string)message["attachments"]![0]!["type"]!);

        var recent = await OutboxAsync(root, "?since=" + Uri.EscapeDataString(since.ToString("o", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(recent, m => (string)m!["to"]![0]! == late);
        Assert.DoesNotContain(recent, m => (string)m!["to"]![0]! == early);

        var attachment = await root.GetAsync($"/_devhost/outbox/{message["id"]}/attachments/billet.pdf");
        Assert.Equal("application/pdf", attachment.Content.Headers.ContentType!.MediaType);
        Assert.Equal("%PDF-1.4 fake", await attachment.Content.ReadAsStringAsync());

        var page = await root.GetStringAsync($"/_devhost/outbox/page?id={message["id"]}");
        Assert.Contains("srcdoc=", page, StringComparison.Ordinal);
        Assert.Contains("billet.pdf", page, StringComparison.Ordinal);
    }

    // The outbox viewer shows inline images as a mail client does: cid:<Content-ID> becomes the part itself.
    [Fact]
    public async Task TheOutboxPageShowsInlinePartsWhereTheHtmlReferencesTheirContentId()
    {
        using var root = NewClient();
        var to = Unique("inline");
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
        var mail = Mail(new JsonArray(To(to, "Inline")));
        mail["content"]![1]!["value"] = "<p><img src=\"cid:qr-checkin\" alt=\"code\"> <img src=\"cid:absent\" alt=\"x\"></p>";
        mail["attachments"]!.AsArray().Add(new JsonObject { ["content"] = Convert.ToBase64String(png), ["filename"] = "code.png", ["type"] = "image/png", ["disposition"] = "inline", ["content_id"] = "qr-checkin" });
        (await root.PostAsJsonAsync("/v3/mail/send", mail)).EnsureSuccessStatusCode();
        var id = (string)Assert.Single(await OutboxAsync(root, "?to=" + Uri.EscapeDataString(to)))!["id"]!;

        var page = await root.GetStringAsync($"/_devhost/outbox/page?id={id}");
        using var part = await root.GetAsync($"/_devhost/outbox/{id}/inline/qr-checkin");

        Assert.Contains($"src=&quot;/_devhost/outbox/{id}/inline/qr-checkin&quot;", page, StringComparison.Ordinal);
        Assert.Contains("src=&quot;cid:absent&quot;", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, part.StatusCode);
        Assert.Equal("image/png", part.Content.Headers.ContentType!.MediaType);
        Assert.Equal(png, await part.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync($"/_devhost/outbox/{id}/inline/absent")).StatusCode);
    }

    public static TheoryData<string, string> Rejections => new()
    {
        { "1001 personalizations", "personalizations" },
        { "duplicate address", "personalizations.1.cc" },
        { "missing subject", "subject" },
        { "personalization without to", "personalizations.0.to" },
        { "missing from", "from" },
        { "no content", "content" },
        { "attachment not base64", "attachments.0.content" },
        { "attachment without filename", "attachments.0.filename" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task InvalidRequestsAreRejectedLikeSendGridAndStoreNothing(string because, string field)
    {
        using var root = NewClient();
        var address = Unique("reject");
        var mail = because switch
        {
            "1001 personalizations" => Mail(new JsonArray(Enumerable.Range(0, 1001).Select(i => (JsonNode)To(i == 0 ? address : Unique("p" + i), "X")).ToArray())),
            "duplicate address" => Mail(new JsonArray(To(address, "A"), new JsonObject
            {
                ["to"] = new JsonArray(new JsonObject { ["email"] = Unique("other") }),
                ["cc"] = new JsonArray(new JsonObject { ["email"] = address.ToUpperInvariant() }),
            })),
            "missing subject" => Mail(new JsonArray(To(address, "A")), subject: null),
            "personalization without to" => Mail(new JsonArray(new JsonObject { ["cc"] = new JsonArray(new JsonObject { ["email"] = address }) })),
            "missing from" => Without(Mail(new JsonArray(To(address, "A"))), "from"),
            "no content" => Without(Mail(new JsonArray(To(address, "A"))), "content"),
            "attachment not base64" => WithAttachment(Mail(new JsonArray(To(address, "A"))), new JsonObject { ["content"] = "not base64!!", ["filename"] = "a.txt" }),
            "attachment without filename" => WithAttachment(Mail(new JsonArray(To(address, "A"))), new JsonObject { ["content"] = Pdf }),
            _ => throw new ArgumentOutOfRangeException(nameof(because)),
        };
        var before = (await OutboxAsync(root)).Count;

        var response = await root.PostAsJsonAsync("/v3/mail/send", mail);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray();
        Assert.Contains(errors, e => (string?)e!["field"] == field && !string.IsNullOrEmpty((string?)e["message"]));
        Assert.Equal(before, (await OutboxAsync(root)).Count);
    }

    [Fact]
    public async Task MissingBearerIsRejected401()
    {
        using var root = NewClient();
        root.DefaultRequestHeaders.Authorization = null;
        var response = await root.PostAsJsonAsync("/v3/mail/send", Mail(new JsonArray(To(Unique("a"), "A"))));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]);
    }

    [Fact]
    public async Task InjectedFaultAnswersTheStatusTheGivenNumberOfTimes()
    {
        using var root = NewClient();
        var address = Unique("fault");
        await root.PostAsJsonAsync("/_devhost/sink/faults", new { status = 503, count = 2 });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await root.PostAsJsonAsync("/v3/mail/send", Mail(new JsonArray(To(address, "F"))))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.Accepted], statuses);
        Assert.Single(await OutboxAsync(root, "?to=" + Uri.EscapeDataString(address)));

        await root.PostAsJsonAsync("/_devhost/sink/faults", new { status = 500, count = 5 });
        await root.DeleteAsync("/_devhost/sink/faults");
        Assert.Equal(HttpStatusCode.Accepted, (await root.PostAsJsonAsync("/v3/mail/send", Mail(new JsonArray(To(Unique("f2"), "F"))))).StatusCode);
    }

    // What a crash test needs: a caller that goes away while held before storing left nothing; after
    // storing, the messages are there although it never got its answer.
    [Fact]
    public async Task AStalledSendIsHeldBeforeOrAfterStoringUntilItsCallerGoesAway()
    {
        using var root = NewClient();
        var (before, after, released) = (Unique("before"), Unique("after"), Unique("released"));
        try
        {
            foreach (var (stall, address) in new[] { ("before", before), ("after", after) })
            {
                await root.PostAsJsonAsync("/_devhost/sink/faults", new { stall, count = 1 });
                using var caller = NewClient();
                using var gone = new CancellationTokenSource();
                var send = caller.PostAsJsonAsync("/v3/mail/send", Mail(new JsonArray(To(address, "S"))), gone.Token);
                await Eventually.UntilAsync(() => HeldAsync(root), held => held == 1, $"a send held {stall} storing");
                await gone.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
                await Eventually.UntilAsync(() => HeldAsync(root), held => held == 0, "the held send to end");
            }
            Assert.Empty(await OutboxAsync(root, "?to=" + Uri.EscapeDataString(before)));
            Assert.Single(await OutboxAsync(root, "?to=" + Uri.EscapeDataString(after)));

            // Clearing the faults lets a held send go on.
            await root.PostAsJsonAsync("/_devhost/sink/faults", new { stall = "after", count = 1 });
            var heldSend = root.PostAsJsonAsync("/v3/mail/send", Mail(new JsonArray(To(released, "R"))));
            await Eventually.UntilAsync(() => HeldAsync(root), held => held == 1, "a send held after storing");
            await root.DeleteAsync("/_devhost/sink/faults");
            Assert.Equal(HttpStatusCode.Accepted, (await heldSend).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await root.PostAsJsonAsync("/_devhost/sink/faults", new { stall = "during" })).StatusCode);
        }
        finally
        {
            await root.DeleteAsync("/_devhost/sink/faults");
        }
    }

    private static async Task<int> HeldAsync(HttpClient client) =>
        (int)(await client.GetFromJsonAsync<JsonObject>("/_devhost/sink/faults"))!["held"]!;

    [Fact]
    public async Task OutboxDeletedWhileRunningIsCreatedAgainByTheNextSend()
    {
        var storage = fixture.Host.StorageConnectionString;
        using var root = NewClient();
        var (first, second) = (Unique("first"), Unique("second"));
        Assert.Equal(HttpStatusCode.Accepted, (await root.PostAsJsonAsync("/v3/mail/send", Mail(new JsonArray(To(first, "A"))))).StatusCode);

        await new Azure.Storage.Blobs.BlobServiceClient(storage).DeleteBlobContainerAsync("outbox");
        var response = await root.PostAsJsonAsync("/v3/mail/send", Mail(new JsonArray(To(second, "B"))));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single(await OutboxAsync(root, "?to=" + Uri.EscapeDataString(second)));
        Assert.Empty(await OutboxAsync(root, "?to=" + Uri.EscapeDataString(first)));
    }

    private static JsonObject Without(JsonObject mail, string property)
    {
        mail.Remove(property);
        return mail;
    }

    private static JsonObject WithAttachment(JsonObject mail, JsonObject attachment)
    {
        mail["attachments"] = new JsonArray(attachment);
        return mail;
    }

    [Fact]
    public async Task ProviderEventsAreRefusedWhenTheAppDoesNotTrustTheDevHostsKey()
    {
        using var root = NewClient();
        var alice = Unique("evenement");
        (await root.PostAsJsonAsync("/v3/mail/send", Mail(new JsonArray(To(alice, "Alice"))))).EnsureSuccessStatusCode();
        var id = (string)Assert.Single(await OutboxAsync(root, "?to=" + Uri.EscapeDataString(alice)))!["id"]!;

        using var response = await root.PostAsJsonAsync("/_devhost/sink/events", new { messageId = id, @event = "bounce" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("devhost-sink", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
