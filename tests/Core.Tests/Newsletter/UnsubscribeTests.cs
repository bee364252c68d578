using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Newsletter;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Newsletter;

public sealed class UnsubscribeTests(Azurite azurite) : IClassFixture<Azurite>
{
    private NewsletterHarness Harness() => new(azurite.IsolatedConnectionString(), NewsletterHarness.At(2026, 3, 10, 8));

    [Fact]
    public async Task TheOneClickPostUnsubscribesAndOpeningThePageDoesNot()
    {
        using var h = Harness();
        await h.ActiveSubscriberAsync("lecteur@example.org");
        var welcome = h.To("lecteur@example.org").Single(r => r.Category == NewsletterEmails.WelcomeCategory);
        var header = welcome.Headers[NewsletterLinks.ListUnsubscribe];
        var token = NewsletterHarness.TokenFromLink(header, NewsletterLinks.UnsubscribePath);
        Assert.Equal(token, NewsletterHarness.TokenFromLink(welcome.Html, NewsletterLinks.UnsubscribePath)); // the visible link opens the same address

        var page = await h.Unsubscriptions.OpenAsync(token);
        await h.Unsubscriptions.OpenAsync(token);
        Assert.False(page.Value!.Unsubscribed);
        Assert.Equal(SubscriberStatus.Active, await h.StatusAsync("lecteur@example.org"));

        var oneClick = await h.Unsubscriptions.UnsubscribeAsync(token, UnsubscribeChannel.OneClick);
        var again = await h.Unsubscriptions.UnsubscribeAsync(token, UnsubscribeChannel.Page);

        Assert.True(oneClick.Value!.Unsubscribed);
        Assert.True(again.Value!.Unsubscribed);
        var row = (await h.SubscriberAsync("lecteur@example.org"))!;
        Assert.Equal(SubscriberStatus.Unsubscribed, row.StatusValue());
        Assert.Equal("one-click", row.StatusReason); // the second press changed nothing
        Assert.Equal(SuppressionReason.Unsubscribed, (await h.Get<SuppressionStore>().GetAsync(row.SubscriberId))!.ReasonValue());
        Assert.True((await h.Unsubscriptions.OpenAsync(token)).Value!.Unsubscribed);
    }

    [Fact]
    public async Task OnlyAnUnsubscribeTokenUnsubscribes()
    {
        using var h = Harness();
        var id = await h.ActiveSubscriberAsync("fidele@example.org");

        foreach (var token in new[] { h.Tokens.Stay(id), h.Tokens.Confirmation(id, h.Time.GetUtcNow()), h.Tokens.Unsubscribe(id)[..^1], id, null })
        {
            var refused = await h.Unsubscriptions.UnsubscribeAsync(token, UnsubscribeChannel.OneClick);
            Assert.Equal(ResultKind.NotFound, refused.Kind);
            Assert.Equal(NewsletterMessages.InvalidLink, refused.Detail);
        }
        Assert.Equal(SubscriberStatus.Active, await h.StatusAsync("fidele@example.org"));
    }

    [Fact]
    public async Task AnUnsubscribeLinkStillWorksAfterErasureAndKeepsTheAddressSuppressed()
    {
        using var h = Harness();
        var id = await h.ActiveSubscriberAsync("oubli@example.org");
        await h.Get<SubscriberAdministration>().EraseAsync("oubli@example.org", Actor.Staff);

        var late = await h.Unsubscriptions.UnsubscribeAsync(h.Tokens.Unsubscribe(id), UnsubscribeChannel.OneClick);

        Assert.True(late.Value!.Unsubscribed);
        Assert.Null(await h.SubscriberAsync("oubli@example.org"));
        Assert.Equal(SuppressionReason.Erased, (await h.Get<SuppressionStore>().GetAsync(id))!.ReasonValue()); // not weakened
    }

    [Fact]
    public async Task EveryEmailToASubscriberCarriesBothUnsubscribeHeaders()
    {
        using var h = Harness();
        await h.ActiveSubscriberAsync("tout@example.org");
        h.Time.Advance(TimeSpan.FromHours(1));
        await h.Subscriptions.SubscribeAsync(new SubscriptionInput("tout@example.org", true)); // "already subscribed" notice
        await h.ReadyIssueAsync(new NewsletterMonth(2026, 3));
        await h.Issues.SendTestAsync("2026-03", ["tout@example.org"], Actor.Staff);
        await h.DeliverQueuedEmailsAsync();
        await h.Monthly.RunAsync();
        await h.DrainBatchesAsync();

        var received = h.To("tout@example.org");
        Assert.Equal(
            [NewsletterEmails.IssueCategory, NewsletterEmails.ConfirmationCategory, NewsletterEmails.NoticeCategory, NewsletterEmails.TestCategory, NewsletterEmails.WelcomeCategory],
            received.Select(r => r.Category).Order(StringComparer.Ordinal));
        var expected = $"<{NewsletterHarness.BaseUrl}{NewsletterLinks.UnsubscribePath}?token={h.Tokens.Unsubscribe(h.Ids.For("tout@example.org"))}>";
        Assert.All(received, r =>
        {
            Assert.Equal(expected, r.Headers[NewsletterLinks.ListUnsubscribe]);
            Assert.Equal("List-Unsubscribe=One-Click", r.Headers[NewsletterLinks.ListUnsubscribePost]);
            Assert.Contains(expected[1..^1], r.Html, StringComparison.Ordinal);
            Assert.Contains(expected[1..^1], r.Text, StringComparison.Ordinal);
        });
    }
}
