using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Newsletter;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Newsletter;

public sealed class IssueTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private NewsletterHarness Harness() => new(azurite.IsolatedConnectionString(), NewsletterHarness.At(2026, 3, 10, 8));

    [Fact]
    public async Task MarkdownIsRenderedSafelyForEmailWithATextPart()
    {
        using var h = Harness();
        var image = (await h.Get<NewsletterImages>().UploadAsync(Png, "image/png", "Le réseau [Metz]")).Value!;
        var body = $"""
            # Journée des réseaux

            Rendez-vous à **Metz** le 2 juin, voir [le programme](https://www.example.org/programme) ou [nos pages](/api/newsletter/archive).

            <script>alert('x')</script> <b>gras</b>

            [piège](javascript:alert(1)) et ![pixel](https://tracker.example.net/p.gif)

            {image.Markdown}

            - premier point
            - second point
            """;
        await h.Issues.SaveAsync("2026-03", new IssueInput("Mars", body), Actor.Staff);

        var preview = (await h.Issues.PreviewAsync("2026-03")).Value!;

        Assert.Contains("<h1 style=\"", preview.Html, StringComparison.Ordinal);
        Assert.Contains("<strong>Metz</strong>", preview.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://www.example.org/programme\" style=\"color:#1d5fa8", preview.Html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{NewsletterHarness.BaseUrl}/api/newsletter/archive\"", preview.Html, StringComparison.Ordinal);
        Assert.Contains($"src=\"{NewsletterHarness.BaseUrl}/api/newsletter/images/{image.Id}\"", preview.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", preview.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", preview.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", preview.Html, StringComparison.Ordinal); // shown as text, not run
        Assert.DoesNotContain("javascript:", preview.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("tracker.example.net", preview.Html, StringComparison.Ordinal);
        Assert.Contains("piège", preview.Html, StringComparison.Ordinal);
        Assert.Equal(2, preview.Problems.Count);
        Assert.Contains("Journée des réseaux\n===", preview.Text, StringComparison.Ordinal);
        Assert.Contains("le programme (https://www.example.org/programme)", preview.Text, StringComparison.Ordinal);
        Assert.Contains("– premier point", preview.Text, StringComparison.Ordinal);
        Assert.Contains("[Image : Le réseau (Metz)]", preview.Text, StringComparison.Ordinal);
        Assert.Contains("1 rue de l'Exemple, 67000 Strasbourg", preview.Text, StringComparison.Ordinal);
        Assert.Contains("Se désabonner : " + NewsletterHarness.BaseUrl + NewsletterLinks.UnsubscribePath, preview.Text, StringComparison.Ordinal);

        var refused = await h.Issues.MarkReadyAsync("2026-03", Actor.Staff);
        Assert.Equal(2, refused.Errors["body"].Length);
        Assert.Equal(IssueStatus.Draft, (await h.Issues.GetAsync("2026-03")).Value!.Status);
    }

    [Fact]
    public async Task MarkingReadyChecksSubjectBodyMonthAndImages()
    {
        using var h = Harness();
        await h.Issues.SaveAsync("2026-03", new IssueInput("", ""), Actor.Staff);
        await h.Issues.SaveAsync("2026-02", new IssueInput("Février", "Trop tard"), Actor.Staff);
        await h.Issues.SaveAsync("2026-04", new IssueInput("Avril", $"![photo]({NewsletterLinks.ImagesPath}/{new string('a', 32)}.png)"), Actor.Staff);

        var empty = await h.Issues.MarkReadyAsync("2026-03", Actor.Staff);
        var past = await h.Issues.MarkReadyAsync("2026-02", Actor.Staff);
        var missingImage = await h.Issues.MarkReadyAsync("2026-04", Actor.Staff);
        var badMonth = await h.Issues.MarkReadyAsync("2026-13", Actor.Staff);

        Assert.Equal(["Indiquez l'objet de la lettre."], empty.Errors["subject"]);
        Assert.Equal(["Écrivez le contenu de la lettre."], empty.Errors["body"]);
        Assert.Equal(["Février 2026 est passé : une lettre ne part que pendant son mois."], past.Errors["month"]);
        Assert.Contains("n'existe pas sur la plateforme", Assert.Single(missingImage.Errors["body"]), StringComparison.Ordinal);
        Assert.Equal(ResultKind.Invalid, badMonth.Kind);
    }

    [Fact]
    public async Task AnEditSendsAReadyIssueBackToDraftAndASentIssueIsLocked()
    {
        using var h = Harness();
        await h.ActiveSubscriberAsync("lectrice@example.org");
        await h.ReadyIssueAsync(new NewsletterMonth(2026, 4));

        var edited = await h.Issues.SaveAsync("2026-04", new IssueInput("Avril", "Corrigé"), Actor.Staff);
        Assert.Equal(IssueStatus.Draft, edited.Value!.Status);
        await h.ReadyIssueAsync(new NewsletterMonth(2026, 3));
        await h.Monthly.RunAsync();

        var locked = await h.Issues.SaveAsync("2026-03", new IssueInput("Changé", "Changé"), Actor.Staff);
        var unready = await h.Issues.ReturnToDraftAsync("2026-03", Actor.Staff);
        var deleted = await h.Issues.DeleteAsync("2026-03", Actor.Staff);

        Assert.Equal([ResultKind.Conflict, ResultKind.Conflict, ResultKind.Conflict], new[] { locked.Kind, unready.Kind, deleted.Kind });
        Assert.Equal(IssueStatus.Sending, (await h.Issues.GetAsync("2026-03")).Value!.Status);
        Assert.Equal(["2026-04", "2026-03"], (await h.Issues.ListAsync()).Select(i => i.Month.ToString()));
    }

    [Fact]
    public async Task ATestGoesThroughTheOutboxToTheGivenAddressesOnly()
    {
        using var h = Harness();
        await h.ActiveSubscriberAsync("abonne@example.org");
        await h.Issues.SaveAsync("2026-03", new IssueInput("Mars", "Bonjour"), Actor.Staff);

        var sent = await h.Issues.SendTestAsync("2026-03", ["Redaction@example.org", "relecture@example.org", "redaction@example.org"], Actor.Staff);
        var refused = await h.Issues.SendTestAsync("2026-03", ["pas-une-adresse"], Actor.Staff);
        await h.DeliverQueuedEmailsAsync();

        Assert.Equal(2, sent.Value!.EmailIds.Count);
        Assert.Equal(ResultKind.Invalid, refused.Kind);
        var tests = h.Accepted.Where(r => r.Category == NewsletterEmails.TestCategory).ToList();
        Assert.Equal(["redaction@example.org", "relecture@example.org"], tests.Select(t => t.To).Order());
        Assert.All(tests, t => Assert.Equal("[Test] Mars", t.Subject));
        Assert.Empty(h.BatchCalls); // not the campaign path
        Assert.Null((await h.Monitor.GetProgressAsync(new NewsletterMonth(2026, 3))));
    }

    [Fact]
    public async Task ImagesArePngJpegOrGifRecognisedByTheirBytesAndServedFromThePlatform()
    {
        using var h = Harness();
        var images = h.Get<NewsletterImages>();

        var uploaded = await images.UploadAsync(Png, "image/png; charset=binary");
        var again = await images.UploadAsync(Png, "image/png");
        var svg = await images.UploadAsync("<svg onload='alert(1)'/>"u8.ToArray(), "image/svg+xml");
        var lying = await images.UploadAsync("<html>"u8.ToArray(), "image/png");
        var mislabelled = await images.UploadAsync(Png, "image/jpeg");
        var big = await images.UploadAsync([.. Png, .. new byte[1024 * 1024]], "image/png");

        Assert.Equal(uploaded.Value!.Id, again.Value!.Id);
        Assert.Equal(new Uri($"{NewsletterHarness.BaseUrl}/api/newsletter/images/{uploaded.Value.Id}"), uploaded.Value.Url);
        Assert.All(new[] { svg, lying, mislabelled, big }, r => Assert.Equal(ResultKind.Invalid, r.Kind));
        var served = (await images.GetAsync(uploaded.Value.Id))!;
        Assert.Equal("image/png", served.ContentType);
        Assert.Equal(Png, served.Content.ToArray());
        Assert.Null(await images.GetAsync("../secret"));
        Assert.Null(await images.GetAsync(new string('b', 32) + ".png"));
    }
}
