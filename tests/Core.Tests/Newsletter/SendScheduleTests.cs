using Microstructures.Core.Newsletter;

namespace Microstructures.Core.Tests.Newsletter;

public sealed class SendScheduleTests
{
    private static DateTimeOffset Utc(int y, int m, int d, int h) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset SendTime(string month, string day = "FirstTuesday", int hour = 9) =>
        SendSchedule.SendTime(NewsletterMonth.Parse(month), new NewsletterOptions { SendDay = day, SendHour = hour });

    [Theory]
    [InlineData("2026-03", 2026, 3, 3, 8)]   // winter time: 09:00 CET
    [InlineData("2026-04", 2026, 4, 7, 7)]   // summer time since 29 March: 09:00 CEST
    [InlineData("2026-10", 2026, 10, 6, 7)]  // still summer time (until 25 October)
    [InlineData("2026-11", 2026, 11, 3, 8)]  // winter time again
    [InlineData("2026-09", 2026, 9, 1, 7)]   // the first Tuesday is the 1st
    [InlineData("2026-07", 2026, 7, 7, 7)]   // the first Tuesday is the 7th
    [InlineData("2026-12", 2026, 12, 1, 8)]
    public void TheDefaultIsTheFirstTuesdayAtNineInParis(string month, int y, int m, int d, int utcHour) =>
        Assert.Equal(Utc(y, m, d, utcHour), SendTime(month));

    [Fact]
    public void OnTheDaysTheClocksChangeTheParisHourIsKept()
    {
        // 28 March 2027 (last Sunday): 02:00 does not exist in Paris, the clocks show 03:00 at 01:00 UTC.
        Assert.Equal(Utc(2027, 3, 28, 1), SendTime("2027-03", "28", 2));
        Assert.Equal(Utc(2027, 3, 28, 7), SendTime("2027-03", "28", 9));
        Assert.Equal(Utc(2027, 3, 27, 8), SendTime("2027-03", "27", 9));
        // 25 October 2026 (last Sunday): 02:00 happens twice; the first one (summer time) counts.
        Assert.Equal(Utc(2026, 10, 25, 0), SendTime("2026-10", "25", 2));
        Assert.Equal(Utc(2026, 10, 25, 8), SendTime("2026-10", "25", 9));
        Assert.Equal(Utc(2026, 10, 24, 7), SendTime("2026-10", "24", 9));
    }

    [Fact]
    public void AMidnightSendBelongsToTheParisMonthNotTheUtcOne()
    {
        var sendAt = SendTime("2026-09", hour: 0);

        Assert.Equal(Utc(2026, 8, 31, 22), sendAt); // still August in UTC
        Assert.Equal(new NewsletterMonth(2026, 9), NewsletterMonth.Of(sendAt));
        Assert.Equal(new NewsletterMonth(2026, 8), NewsletterMonth.Of(sendAt.AddTicks(-1)));
    }

    [Theory]
    [InlineData("FirstTuesday", true)]
    [InlineData("secondmonday", true)]
    [InlineData("FourthFriday", true)]
    [InlineData("1", true)]
    [InlineData("28", true)]
    [InlineData("29", false)]
    [InlineData("0", false)]
    [InlineData("LastTuesday", false)]
    [InlineData("FirstTuesday,Monday", false)]
    [InlineData("First2", false)]
    [InlineData("", false)]
    public void SendDaysAreTheNthWeekdayOrADayEveryMonthHas(string text, bool valid) =>
        Assert.Equal(valid, SendDay.TryParse(text, out _));

    [Fact]
    public void TheSecondMondayIsBetweenTheEighthAndTheFourteenth()
    {
        Assert.True(SendDay.TryParse("SecondMonday", out var day));
        Assert.Equal(new DateOnly(2026, 6, 8), day.In(new NewsletterMonth(2026, 6)));  // June 2026 starts on a Monday
        Assert.Equal(new DateOnly(2026, 9, 14), day.In(new NewsletterMonth(2026, 9))); // September 2026 starts on a Tuesday
    }
}
