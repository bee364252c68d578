using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microstructures.Core.Forfaits;
using Microstructures.Functions.Tests.ReferenceData;

namespace Microstructures.Functions.Tests.Forfaits;

// The issue's acceptance through the DevHost: ForfaitRemindersTimer run as POST /admin/functions does,
// its digest in the sink, the link's page, a second run, the preview of a later date.
public sealed partial class ForfaitRemindersTimerTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    [Fact]
    public async Task TheTimerSendsOneDigestWithoutPseudonymsWhoseLinkListsTheForfaitsAndASecondRunAddsNothing()
    {
        var staff = app.CreateStaffClient();
        var net = await ForfaitNetwork.CreateAsync(staff, "acc");
        var client = app.CreateClient().WithBearer(net.Key);
        var soon = await net.IncludeEndingInAsync(client, "A-0005", 5);
        await net.IncludeEndingInAsync(client, "A-0029", 29);
        await net.IncludeEndingInAsync(client, "A-0090", 90);

        var run = await app.RunFunctionAsync("ForfaitRemindersTimer");
        var digest = Assert.Single(await app.WaitForEmailsAsync(net.ContactEmail));
        var escalation = Assert.Single(await app.WaitForEmailsAsync(net.CoordinatorEmail));

        Assert.True(run.GetProperty("succeeded").GetBoolean(), run.ToString());
        var subject = digest.GetProperty("subject").GetString()!;
        var html = digest.GetProperty("html").GetString()!;
        Assert.Contains("2 forfaits", subject, StringComparison.Ordinal);
        Assert.Contains($"Montant en jeu : {ForfaitEmails.Euros(2 * 806m)}", System.Net.WebUtility.HtmlDecode(StripTags().Replace(html, "")), StringComparison.Ordinal);
        Assert.Contains("1 forfait", escalation.GetProperty("subject").GetString()!, StringComparison.Ordinal);
        foreach (var message in new[] { digest, escalation })
        {
            // Subject, headers, custom arguments, HTML and text: the whole message as the provider got it.
            var whole = message.ToString();
            foreach (var secret in new[] { "A-0005", "A-0029", "A-0090", "Equip", "equip-addict", soon["id"]!.GetValue<string>() })
            {
                Assert.DoesNotContain(secret, whole, StringComparison.OrdinalIgnoreCase);
            }
        }

        // The link: counts and euros first, the pseudonyms only after the button.
        var link = new Uri(System.Net.WebUtility.HtmlDecode(DigestLink().Match(html).Groups[1].Value));
        var browser = app.CreateClient();
        var opened = await browser.GetAsync(link.PathAndQuery);
        var openedHtml = await opened.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Contains("2\u00A0forfaits", System.Net.WebUtility.HtmlDecode(openedHtml), StringComparison.Ordinal);
        Assert.DoesNotContain("A-0005", openedHtml, StringComparison.Ordinal);

        var listed = await PostAsync(browser, link, new() { ["action"] = "list" });
        Assert.Contains("A-0005", listed, StringComparison.Ordinal);
        Assert.Contains("A-0029", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("A-0090", listed, StringComparison.Ordinal);

        var renewed = await PostAsync(browser, link, new() { ["action"] = "renew", ["forfaitId"] = soon["id"]!.GetValue<string>() });
        await PostAsync(browser, link, new() { ["action"] = "renew", ["forfaitId"] = soon["id"]!.GetValue<string>() });
        Assert.Contains("Forfait renouvelé", renewed, StringComparison.Ordinal);
        var forfait = await OrgTreeApi.GetJsonAsync(client, $"/api/network/forfaits/{soon["id"]!.GetValue<string>()}");
        Assert.Equal(2, forfait!["currentPeriod"]!["number"]!.GetValue<int>());

        // A second run the same day: nothing left to send.
        var second = await app.RunFunctionAsync("ForfaitRemindersTimer");
        Assert.True(second.GetProperty("succeeded").GetBoolean(), second.ToString());
        Assert.Contains(": 0 sent", second.ToString(), StringComparison.Ordinal);
        Assert.Single(await app.OutboxAsync(net.ContactEmail));
        Assert.Single(await app.OutboxAsync(net.CoordinatorEmail));

        // Thirty days on, the 90-day forfait's 60-day reminder.
        var date = ForfaitNetwork.Today().AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var preview = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/forfaits/reminders/preview?date={date}");
        var ours = preview.GetProperty("digests").EnumerateArray().Where(d => d.GetProperty("scopeId").GetString() == net.MicrostructureId).ToList();
        var next = Assert.Single(ours);
        Assert.Equal([net.ContactEmail], next.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1, next.GetProperty("summary").GetProperty("count").GetInt32());
        Assert.Equal(806m, next.GetProperty("summary").GetProperty("amountEuros").GetDecimal());
    }

    [Fact]
    public async Task TwoTimerRunsAtOnceSendOneDigest()
    {
        var staff = app.CreateStaffClient();
        var net = await ForfaitNetwork.CreateAsync(staff, "race");
        var client = app.CreateClient().WithBearer(net.Key);
        await net.IncludeEndingInAsync(client, "R-0020", 20);

        var runs = await Task.WhenAll(app.RunFunctionAsync("ForfaitRemindersTimer"), app.RunFunctionAsync("ForfaitRemindersTimer"));

        Assert.All(runs, r => Assert.True(r.GetProperty("succeeded").GetBoolean(), r.ToString()));
        Assert.Single(await app.WaitForEmailsAsync(net.ContactEmail));
        // Both runs have returned and queued what they queued: a third finds nothing, and the sink holds one.
        Assert.Contains(": 0 sent", (await app.RunFunctionAsync("ForfaitRemindersTimer")).ToString(), StringComparison.Ordinal);
        Assert.Single(await app.OutboxAsync(net.ContactEmail));
    }

    private static async Task<string> PostAsync(HttpClient client, Uri link, Dictionary<string, string> form)
    {
        var response = await client.PostAsync(link.PathAndQuery, new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex("href=\"([^\"]+/api/forfaits/reminders/[^\"]+)\"")]
    private static partial Regex DigestLink();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex StripTags();
}
