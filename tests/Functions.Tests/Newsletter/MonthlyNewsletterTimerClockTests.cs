using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microstructures.Core.Audit;
using Microstructures.Core.Newsletter;
using Microstructures.Functions.Newsletter;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests.Newsletter;

// MonthlyNewsletterTimer as the worker builds it (AddPlatform, the settings as the app reads them), on a
// clock the test moves: the schedule fires every 15 minutes in UTC and the function decides in Paris
// time, across both daylight-saving changes and at the turn of a month.
public sealed class MonthlyNewsletterTimerClockTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static Task RunAsync(PlatformServices app) => app.Function<MonthlyNewsletterTimer>().RunAsync(new TimerInfo(), CancellationToken.None);

    private static async Task ReadyAsync(PlatformServices app, string month)
    {
        var issues = app.Get<IssueService>();
        Assert.True((await issues.SaveAsync(month, new IssueInput("Les nouvelles " + month, "Les réseaux se réunissent à **Metz**."), Actor.Staff)).IsSuccess);
        Assert.True((await issues.MarkReadyAsync(month, Actor.Staff)).IsSuccess);
    }

    [Fact]
    public async Task TheFirstTuesdayAtNineInParisIsSevenUtcInSummerAndEightInWinter()
    {
        await using var app = PlatformServices.Create(azurite);
        app.Time.SetUtcNow(Utc(2027, 3, 20, 10));
        Assert.True((await app.Get<SubscriberImport>().ImportAsync(Encoding.UTF8.GetBytes("email\nlectrice@example.org\n"), "Annuaire de test", Actor.Staff)).IsSuccess);
        await ReadyAsync(app, "2027-04");
        await ReadyAsync(app, "2027-11");
        var campaigns = app.Get<CampaignStore>();

        // 6 April 2027, summer time since 28 March: 09:00 in Paris is 07:00 UTC.
        app.Time.SetUtcNow(Utc(2027, 4, 6, 6, 45));
        await RunAsync(app);
        Assert.Null(await campaigns.GetCampaignAsync(new NewsletterMonth(2027, 4)));
        app.Time.SetUtcNow(Utc(2027, 4, 6, 7, 0));
        await RunAsync(app);
        Assert.NotNull((await campaigns.GetCampaignAsync(new NewsletterMonth(2027, 4)))?.PlannedAt);

        // 2 November 2027, winter time since 31 October: 09:00 in Paris is 08:00 UTC.
        app.Time.SetUtcNow(Utc(2027, 11, 2, 7, 45));
        await RunAsync(app);
        Assert.Null(await campaigns.GetCampaignAsync(new NewsletterMonth(2027, 11)));
        app.Time.SetUtcNow(Utc(2027, 11, 2, 8, 0));
        await RunAsync(app);
        Assert.NotNull((await campaigns.GetCampaignAsync(new NewsletterMonth(2027, 11)))?.PlannedAt);
    }

    // Sent on the 1st at midnight in Paris: May begins on 30 April at 22:00 UTC (summer time), and the
    // run that sees May then finds no May issue ready and alerts the staff, once.
    [Fact]
    public async Task AMonthBeginsAtMidnightInParisNotInUtc()
    {
        await using var app = PlatformServices.Create(azurite, new Dictionary<string, string?> { ["Newsletter:SendDay"] = "1", ["Newsletter:SendHour"] = "0" });
        var campaigns = app.Get<CampaignStore>();
        var may = new NewsletterMonth(2027, 5);

        app.Time.SetUtcNow(Utc(2027, 4, 30, 21, 45));
        await RunAsync(app);
        Assert.False(await campaigns.HasAlertAsync(may));
        Assert.True(await campaigns.HasAlertAsync(new NewsletterMonth(2027, 4))); // April's send time had passed without an issue

        app.Time.SetUtcNow(Utc(2027, 4, 30, 22, 0));
        await RunAsync(app);
        Assert.True(await campaigns.HasAlertAsync(may));
        app.Time.SetUtcNow(Utc(2027, 4, 30, 22, 15));
        await RunAsync(app);
        var alerts = await StoredEmails.ToAsync(app, "equipe@example.org");
        Assert.Equal(2, alerts.Count); // April's and May's, each once
    }
}
