using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Audit;
using Microstructures.Core.Forfaits;
using Microstructures.Core.ReferenceData;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Forfaits;

// Two years of daily runs over a few dozen forfaits that teams renew (on time, late, or never), close,
// snooze and acknowledge, with missed days, second runs the same day and two instances running at
// once: every reminder of every period is handled exactly once — sent in exactly one digest, or
// recorded as skipped — and every committed digest's e-mails are queued once.
public sealed class ForfaitReminderWalkTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task WalkingTwoYearsDayByDayHandlesEachReminderOfEachPeriodExactlyOnce()
    {
        var storage = azurite.IsolatedConnectionString();
        var time = new FakeTimeProvider(new DateTimeOffset(2028, 3, 10, 5, 30, 0, TimeSpan.Zero));
        var start = OrgDates.Today(time).AddDays(20);
        using var h = new ForfaitHarness(storage, time, start);
        using var other = new ForfaitHarness(storage, time, start);
        await h.SeedTreeAsync();
        var microstructures = new[] { ForfaitHarness.MicrostructureA1, ForfaitHarness.MicrostructureA2, ForfaitHarness.MicrostructureB1 };
        var leap = await h.IncludeAsync(ForfaitHarness.MicrostructureA1, "LEAP-29", new DateOnly(2028, 2, 29));
        for (var i = 0; i < 36; i++)
        {
            await h.IncludeAsync(microstructures[i % 3], $"W-{i:D2}", h.Today.AddDays(-9 * i), i % 4 == 0 ? "sante-mentale" : "equip-addict");
        }
        var random = new Random(20280310);
        var queued = new List<string>();

        for (var day = 0; day < 730; day++)
        {
            if (day % 41 == 3)
            {
                await Task.WhenAll(h.Run.RunAsync(), other.Run.RunAsync()); // two instances at once
            }
            else if (day % 17 != 5) // every 17th day the timer did not run: the next run catches up
            {
                await h.Run.RunAsync();
                if (day % 23 == 7)
                {
                    Assert.Equal(0, (await h.Run.RunAsync()).Sent); // a second run the same day
                }
            }
            await ActAsTeamsAsync(h, random, leap.Id);
            if (day % 30 == 0)
            {
                await h.IncludeAsync(microstructures[day % 3], $"N-{day:D3}", h.Today);
            }
            else if (day % 30 == 15) // recorded late: its period ends in 25 days, its 60- and 30-day reminders are both due
            {
                await h.IncludeAsync(microstructures[day % 3], $"L-{day:D3}", h.Today.AddDays(-340));
            }
            queued.AddRange(await h.DrainQueueAsync());
            h.Advance(1);
        }
        await h.Run.RunAsync();
        queued.AddRange(await h.DrainQueueAsync());

        var final = h.Today;
        var forfaits = (await h.Forfaits.ListAsync(null, Actor.Staff)).Value!;
        var records = (await h.RecordsAsync()).ToDictionary(r => new ReminderKey(r.ForfaitId, r.Period, Enum.Parse<ReminderKind>(r.Kind), r.Days));
        var digests = await h.DigestsAsync();

        // Never neither, never both: one record for each reminder due so far, none for anything else.
        var expected = forfaits.SelectMany(f => f.Periods.SelectMany(p =>
                h.Options.LeadTimesDays.Select(d => (Key: new ReminderKey(f.Id, p.Number, ReminderKind.Microstructure, d), Due: p.End.AddDays(-d)))
                    .Append((Key: new ReminderKey(f.Id, p.Number, ReminderKind.Escalation, h.Options.EscalationDaysBefore), Due: p.End.AddDays(-h.Options.EscalationDaysBefore)))))
            .Where(x => x.Due <= final)
            .ToList();
        Assert.All(expected, x => Assert.True(records.ContainsKey(x.Key), $"{x.Key.Text} due {x.Due} was never handled"));
        Assert.Equal(expected.Select(x => x.Key.Text).Order(), records.Keys.Select(k => k.Text).Order());

        // A sent reminder is in exactly the digest its record names; a skipped one in none.
        var inDigests = digests.SelectMany(d => ReminderStore.ReadItems(d).Select(i => (Key: new ReminderKey(i.ForfaitId, i.Period, i.Kind, i.Days), d.DigestId))).ToList();
        Assert.Equal(inDigests.Count, inDigests.Select(x => x.Key).Distinct().Count());
        Assert.Equal(
            records.Where(r => r.Value.Outcome == "Sent").Select(r => (r.Key.Text, r.Value.DigestId)).Order(),
            inDigests.Select(x => (x.Key.Text, (string?)x.DigestId)).Order());

        // Each committed digest's e-mails were recorded and queued exactly once.
        var committed = digests.SelectMany(d => Enumerable.Range(0, d.Recipients).Select(i => ForfaitEmails.EmailId(d.DigestId, i))).Order().ToList();
        Assert.Equal(committed, queued.Order());
        Assert.Equal(committed, (await h.RecordedEmailsAsync()).Select(e => e.Id).Order());

        // The walk went through every path.
        var outcomes = records.Values.Select(r => r.Reason ?? r.Outcome).ToHashSet();
        Assert.All(new[] { "Sent", "BeforeStart", "Superseded", "Renewed", "Closed", "Snoozed", "Acknowledged" }, o => Assert.Contains(o, outcomes));
        Assert.Contains(digests, d => d.Kind == nameof(DigestKind.Network));
        // The 29 February inclusion was renewed from its end, on 1 March.
        var leapPeriods = forfaits.Single(f => f.Id == leap.Id).Periods;
        Assert.Equal((new DateOnly(2028, 2, 29), new DateOnly(2029, 2, 28)), (leapPeriods[0].Start, leapPeriods[0].End));
        Assert.Equal((new DateOnly(2029, 3, 1), new DateOnly(2030, 2, 28)), (leapPeriods[1].Start, leapPeriods[1].End));
        // Nothing left in the schedule that was due.
        Assert.DoesNotContain(await h.AllRowsAsync(ReminderStore.DueTableName), r => OrgDates.Parse(r.PartitionKey) <= final);
    }

    // What teams do on a given day: renew most forfaits near their end (some late, some never), close a
    // few, snooze or acknowledge some reminders. The 29 February one is always renewed.
    private static async Task ActAsTeamsAsync(ForfaitHarness h, Random random, string leapId)
    {
        var today = h.Today;
        foreach (var f in (await h.Forfaits.ListAsync(null, Actor.Staff)).Value!.Where(f => f.Status != ForfaitStatus.Closed))
        {
            var left = f.CurrentPeriod.End.DayNumber - today.DayNumber;
            var roll = random.NextDouble();
            if (f.Id == leapId)
            {
                if (left == 5)
                {
                    Assert.True((await h.Forfaits.RenewAsync(f.Id, new RenewalInput(f.CurrentPeriod.Number), Actor.Staff)).IsSuccess);
                }
            }
            else if (left is >= -20 and <= 40 && roll < 0.06)
            {
                var renewed = await h.Forfaits.RenewAsync(f.Id, new RenewalInput(f.CurrentPeriod.Number), Actor.Staff);
                Assert.True(renewed.IsSuccess || renewed.Kind == Microstructures.Core.Common.ResultKind.Conflict, renewed.Detail);
            }
            else if (roll > 0.997)
            {
                Assert.True((await h.Forfaits.CloseAsync(f.Id, new ClosureInput("moved"), Actor.Staff)).IsSuccess);
            }
            else if (left is > 7 and < 70 && roll is > 0.98 and <= 0.99)
            {
                await h.Forfaits.SnoozeAsync(f.Id, null, Actor.Staff);
            }
            else if (left is > 7 and < 70 && roll is > 0.99 and <= 0.995)
            {
                await h.Forfaits.AcknowledgeAsync(f.Id, null, Actor.Staff);
            }
        }
    }
}
