using Microstructures.Core.Common;
using Microstructures.Core.Newsletter;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Newsletter;

public sealed class RetentionTests(Azurite azurite) : IClassFixture<Azurite>
{
    private NewsletterHarness Harness() => new(azurite.IsolatedConnectionString(), NewsletterHarness.At(2026, 3, 10, 8));

    private static SubscriberRetention Retention(NewsletterHarness h) => h.Get<SubscriberRetention>();

    [Fact]
    public async Task ASilentSubscriberIsAskedThirtyDaysAheadThenDeleted()
    {
        using var h = Harness();
        await h.ActiveSubscriberAsync("silencieuse@example.org");
        var confirmedAt = h.Time.GetUtcNow();

        h.Time.SetUtcNow(confirmedAt.AddYears(3).AddDays(-31));
        Assert.Equal(new RetentionReport(0, 0, 0, 0), await Retention(h).RunAsync());
        h.Time.Advance(TimeSpan.FromDays(1));
        var asked = await Retention(h).RunAsync();
        await Retention(h).RunAsync(); // a second run the same day asks nothing more
        await h.DeliverQueuedEmailsAsync();

        Assert.Equal(1, asked.RepermissionsSent);
        var email = Assert.Single(h.To("silencieuse@example.org"), r => r.Category == NewsletterEmails.RepermissionCategory);
        Assert.Contains("Rester inscrit·e", email.Text, StringComparison.Ordinal);
        Assert.StartsWith("<" + NewsletterHarness.BaseUrl + NewsletterLinks.UnsubscribePath, email.Headers[NewsletterLinks.ListUnsubscribe], StringComparison.Ordinal);
        var token = NewsletterHarness.TokenFromLink(email.Html, NewsletterLinks.StayPath);
        Assert.True((await Retention(h).OpenStayAsync(token)).IsSuccess); // opening the page is not an interaction

        h.Time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, (await Retention(h).RunAsync()).Purged);
        h.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, (await Retention(h).RunAsync()).Purged);

        Assert.Null(await h.SubscriberAsync("silencieuse@example.org"));
        Assert.Null(await h.Get<SuppressionStore>().GetAsync(h.Ids.For("silencieuse@example.org"))); // not an opt-out
        Assert.Equal(NewsletterMessages.SubscriptionGone, (await Retention(h).StayAsync(token)).Detail);
    }

    [Fact]
    public async Task RestingSubscribedStartsTheThreeYearsAgain()
    {
        using var h = Harness();
        await h.ActiveSubscriberAsync("fidele@example.org");
        h.Time.Advance(TimeSpan.FromDays((365 * 3) - 20));
        await Retention(h).RunAsync();
        await h.DeliverQueuedEmailsAsync();
        var token = NewsletterHarness.TokenFromLink(h.To("fidele@example.org").Last().Html, NewsletterLinks.StayPath);

        h.Time.Advance(TimeSpan.FromDays(5));
        var stayed = await Retention(h).StayAsync(token);
        h.Time.Advance(TimeSpan.FromDays(60));
        var run = await Retention(h).RunAsync();

        Assert.True(stayed.Value!.Stayed);
        Assert.Equal(h.Time.GetUtcNow().AddDays(-60).AddYears(3), stayed.Value.PurgeAt);
        Assert.Equal(new RetentionReport(0, 0, 0, 0), run);
        Assert.Equal(SubscriberStatus.Active, await h.StatusAsync("fidele@example.org"));
    }

    [Fact]
    public async Task AnOverdueSubscriberStillGetsTheFullLeadBeforeDeletion()
    {
        using var h = Harness();
        await h.ImportAsync(["ancien@example.org"]);

        h.Time.Advance(TimeSpan.FromDays(365 * 5)); // e.g. the retention timer was off for years
        Assert.Equal(1, (await Retention(h).RunAsync()).RepermissionsSent);
        h.Time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, (await Retention(h).RunAsync()).Purged);
        h.Time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(1, (await Retention(h).RunAsync()).Purged);
    }

    [Fact]
    public async Task UnconfirmedRequestsGoAfterThirtyDaysAndLeftRowsAfterThreeYears()
    {
        using var h = Harness();
        await h.Subscriptions.SubscribeAsync(new SubscriptionInput("jamais@example.org", true));
        var id = await h.ActiveSubscriberAsync("partie@example.org");
        await h.Unsubscriptions.UnsubscribeAsync(h.Tokens.Unsubscribe(id), UnsubscribeChannel.OneClick);

        h.Time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(new RetentionReport(0, 0, 0, 0), await Retention(h).RunAsync());
        h.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new RetentionReport(0, 0, 1, 0), await Retention(h).RunAsync());
        h.Time.Advance(TimeSpan.FromDays(365 * 3));
        Assert.Equal(new RetentionReport(0, 0, 0, 1), await Retention(h).RunAsync());

        Assert.Empty(await h.RowsAsync<SubscriberEntity>(SubscriberStore.TableName));
        Assert.Equal(SuppressionReason.Unsubscribed, (await h.Get<SuppressionStore>().GetAsync(id))!.ReasonValue());
        Assert.Equal(ResultKind.NotFound, (await Retention(h).OpenStayAsync("not-a-token")).Kind);
    }
}
