using Microstructures.Core.Email;
using Microstructures.Core.Newsletter;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Newsletter;

public sealed class MonthlyRunTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly NewsletterMonth April = new(2026, 4);

    [Fact]
    public async Task TheRunSendsAtTheParisTimeOnceAndCatchesUpLaterInTheMonth()
    {
        // 7 April 2026, first Tuesday, summer time: the send time is 07:00 UTC.
        using var h = new NewsletterHarness(azurite.IsolatedConnectionString(), NewsletterHarness.At(2026, 4, 7, 6, 45));
        await h.ActiveSubscriberAsync("lectrice@example.org");
        await h.ReadyIssueAsync(April);

        var early = await h.Monthly.RunAsync();
        h.Time.Advance(TimeSpan.FromMinutes(15));
        var onTime = await h.Monthly.RunAsync();
        h.Time.Advance(TimeSpan.FromMinutes(15));
        var next = await h.Monthly.RunAsync();
        await h.DrainBatchesAsync();
        h.Time.Advance(TimeSpan.FromDays(10));
        var later = await h.Monthly.RunAsync();
        await h.DrainBatchesAsync();

        Assert.Equal(new DateTimeOffset(2026, 4, 7, 7, 0, 0, TimeSpan.Zero), early.SendAt);
        Assert.Equal(MonthlyDecision.NotYet, early.Decision);
        Assert.Equal(MonthlyDecision.Started, onTime.Decision);
        Assert.Equal(MonthlyDecision.AlreadyDone, next.Decision);
        Assert.Equal(MonthlyDecision.AlreadyDone, later.Decision);
        Assert.Single(h.To("lectrice@example.org"), r => r.Category == NewsletterEmails.IssueCategory);
        Assert.Equal(IssueStatus.Sent, (await h.Issues.GetAsync("2026-04")).Value!.Status);
    }

    // On the days the clocks change, 09:00 in Paris is 07:00 UTC after the spring change and 08:00 UTC
    // after the autumn one: a run one minute before decides nothing, a run at that minute sends.
    [Theory]
    [InlineData(2027, 3, 28, 7)]
    [InlineData(2026, 10, 25, 8)]
    public async Task OnADaylightSavingChangeTheRunWaitsForNineInParis(int year, int month, int day, int utcHour)
    {
        using var h = new NewsletterHarness(azurite.IsolatedConnectionString(), NewsletterHarness.At(year, month, day, utcHour - 1, 59),
            new Dictionary<string, string?> { ["Newsletter:SendDay"] = day.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await h.ActiveSubscriberAsync("lectrice@example.org");
        await h.ReadyIssueAsync(new NewsletterMonth(year, month));

        var before = await h.Monthly.RunAsync();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var at = await h.Monthly.RunAsync();

        Assert.Equal(MonthlyDecision.NotYet, before.Decision);
        Assert.Equal(MonthlyDecision.Started, at.Decision);
        Assert.Equal(new DateTimeOffset(year, month, day, utcHour, 0, 0, TimeSpan.Zero), at.SendAt);
    }

    [Fact]
    public async Task AMissedSendTimeIsCaughtUpLaterTheSameMonth()
    {
        using var h = new NewsletterHarness(azurite.IsolatedConnectionString(), NewsletterHarness.At(2026, 4, 1, 10));
        await h.ActiveSubscriberAsync("lectrice@example.org");
        await h.ReadyIssueAsync(April);

        h.Time.SetUtcNow(new DateTimeOffset(2026, 4, 29, 21, 45, 0, TimeSpan.Zero)); // the host was down for three weeks
        var caughtUp = await h.Monthly.RunAsync();
        await h.DrainBatchesAsync();

        Assert.Equal(MonthlyDecision.Started, caughtUp.Decision);
        Assert.Single(h.To("lectrice@example.org"), r => r.Category == NewsletterEmails.IssueCategory);
    }

    [Fact]
    public async Task AMidnightSendOnTheFirstGoesAtTheParisMidnightOfThatMonth()
    {
        // 1 September 2026 is the first Tuesday; 00:00 in Paris is 22:00 UTC on 31 August.
        using var h = new NewsletterHarness(azurite.IsolatedConnectionString(), NewsletterHarness.At(2026, 8, 31, 21, 59), new Dictionary<string, string?> { ["Newsletter:SendHour"] = "0" });
        await h.ActiveSubscriberAsync("lectrice@example.org");
        await h.ReadyIssueAsync(new NewsletterMonth(2026, 9));

        var august = await h.Monthly.RunAsync();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var september = await h.Monthly.RunAsync();

        Assert.Equal(new NewsletterMonth(2026, 8), august.Month); // August has no issue: its alert, not September's issue
        Assert.Equal(MonthlyDecision.NoReadyIssue, august.Decision);
        Assert.Equal(new NewsletterMonth(2026, 9), september.Month);
        Assert.Equal(MonthlyDecision.Started, september.Decision);
    }

    [Fact]
    public async Task WithoutAReadyIssueTheStaffAreAlertedOnceAndAnIssueReadiedLaterStillGoes()
    {
        using var h = new NewsletterHarness(azurite.IsolatedConnectionString(), NewsletterHarness.At(2026, 4, 7, 7));
        await h.ActiveSubscriberAsync("lectrice@example.org");
        await h.Issues.SaveAsync("2026-04", new IssueInput("Brouillon", "Pas fini"), Microstructures.Core.Audit.Actor.Staff);

        var first = await h.Monthly.RunAsync();
        h.Time.Advance(TimeSpan.FromMinutes(15));
        var second = await h.Monthly.RunAsync();
        await h.DeliverQueuedEmailsAsync();

        Assert.True(first.AlertSent);
        Assert.False(second.AlertSent);
        Assert.Equal(MonthlyDecision.NoReadyIssue, second.Decision);
        var alert = Assert.Single(h.To(NewsletterHarness.StaffAddress));
        Assert.Equal(NewsletterEmails.AlertCategory, alert.Category);
        Assert.Contains("avril 2026", alert.Subject, StringComparison.Ordinal);
        Assert.Contains("encore un brouillon", alert.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(h.To("lectrice@example.org"), r => r.Category == NewsletterEmails.IssueCategory);

        await h.ReadyIssueAsync(April, "Enfin prête");
        h.Time.Advance(TimeSpan.FromMinutes(15));
        var third = await h.Monthly.RunAsync();
        await h.DrainBatchesAsync();

        Assert.Equal(MonthlyDecision.Started, third.Decision);
        Assert.Single(h.To("lectrice@example.org"), r => r.Subject == "Enfin prête");
    }

    [Fact]
    public async Task AnIssueOfAPastMonthIsNeverSent()
    {
        using var h = new NewsletterHarness(azurite.IsolatedConnectionString(), NewsletterHarness.At(2026, 4, 1, 10));
        await h.ActiveSubscriberAsync("lectrice@example.org");
        await h.ReadyIssueAsync(April);

        h.Time.SetUtcNow(new DateTimeOffset(2026, 5, 5, 7, 0, 0, TimeSpan.Zero));
        var may = await h.Monthly.RunAsync();
        await h.DrainBatchesAsync();

        Assert.Equal(MonthlyDecision.NoReadyIssue, may.Decision);
        Assert.DoesNotContain(h.To("lectrice@example.org"), r => r.Category == NewsletterEmails.IssueCategory);
        Assert.Equal(IssueStatus.Ready, (await h.Issues.GetAsync("2026-04")).Value!.Status);
    }
}
