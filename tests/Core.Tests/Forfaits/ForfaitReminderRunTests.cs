using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Common;
using Microstructures.Core.Email;
using Microstructures.Core.Forfaits;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Forfaits;

public sealed class ForfaitReminderRunTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2027, 4, 12, 7, 0, 0, TimeSpan.Zero));

    private static async Task<ForfaitHarness> StartAsync(string connectionString, int startDaysAgo = 10)
    {
        var time = Clock();
        var h = new ForfaitHarness(connectionString, time, ForfaitHarnessDates.Today(time).AddDays(-startDaysAgo));
        await h.SeedTreeAsync();
        return h;
    }

    [Fact]
    public async Task OneDigestPerMicrostructureAnnouncesCountsAndEurosAndTheNetworkGetsTheEscalation()
    {
        using var h = await StartAsync(azurite.IsolatedConnectionString());
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-01", 5);
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-02", 29);
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-03", 90);

        var report = await h.Run.RunAsync();

        var emails = await h.RecordedEmailsAsync();
        var toTeam = emails.Where(e => e.Message.Category == ForfaitEmails.MicrostructureCategory).ToList();
        var toNetwork = emails.Where(e => e.Message.Category == ForfaitEmails.NetworkCategory).ToList();
        // One digest, to each of the microstructure's two contacts.
        Assert.Equal(["accueil-a1@example.org", "secretariat-a1@example.org"], toTeam.Select(e => e.Message.To).Order());
        Assert.Single(toTeam.Select(e => e.Message.Html).Distinct());
        var text = toTeam[0].Message.Text;
        Assert.Contains("2 forfaits arrivent à échéance", text, StringComparison.Ordinal);
        Assert.Contains("1 forfait se termine d'ici 7 jours (806\u00A0€)", text, StringComparison.Ordinal);
        Assert.Contains("1 forfait se termine d'ici 30 jours (806\u00A0€)", text, StringComparison.Ordinal);
        Assert.Contains("Montant en jeu : 1\u202F612\u00A0€", text, StringComparison.Ordinal);
        Assert.Equal("Forfaits à renouveler : 2 forfaits arrivent à échéance", toTeam[0].Message.Subject);
        Assert.Contains("https://plateforme.example.org/api/forfaits/reminders/d", text, StringComparison.Ordinal);
        // The 5-day one is escalated to the network's two coordinators.
        Assert.Equal(["admin-a@example.org", "medecin-a@example.org"], toNetwork.Select(e => e.Message.To).Order());
        Assert.Contains("1 forfait d'une microstructure n'est toujours pas renouvelé", toNetwork[0].Message.Text, StringComparison.Ordinal);
        Assert.Contains("Cabinet des Tanneurs : 1 forfait, 806\u00A0€", toNetwork[0].Message.Text, StringComparison.Ordinal);
        Assert.Equal((1, 1, 4), (report.MicrostructureDigests, report.NetworkDigests, report.EmailsQueued));
        Assert.Equal(emails.Select(e => e.Id).Order(), (await h.DrainQueueAsync()).Order());
    }

    [Fact]
    public async Task ASecondRunTheSameDaySendsNothing()
    {
        using var h = await StartAsync(azurite.IsolatedConnectionString());
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-01", 5);
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureB1, "PAT-02", 29);
        await h.Run.RunAsync();
        var first = await h.RecordedEmailsAsync();
        await h.DrainQueueAsync();

        var again = await h.Run.RunAsync();

        Assert.Equal(0, again.Sent);
        Assert.Equal(first.Count, (await h.RecordedEmailsAsync()).Count);
        Assert.Empty(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task RemindersSentAreCountedByDigestKindOnceEvenWhenTheRunIsRepeated()
    {
        using var h = await StartAsync(azurite.IsolatedConnectionString());
        using var counted = new MetricCollector<long>(h.Get<IMeterFactory>(), PlatformMetrics.MeterName, "RemindersSent");
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-01", 5);
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-02", 29);
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureB1, "PAT-03", 90);

        var report = await h.Run.RunAsync();
        await h.Run.RunAsync();

        var byKind = counted.GetMeasurementSnapshot().GroupBy(m => (string)m.Tags["kind"]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        // The 7-day and 30-day reminders in the team's digest, the 5-day one escalated to the network.
        Assert.Equal(new Dictionary<string, long> { ["microstructure"] = 2, ["network"] = 1 }, byKind);
        Assert.Equal(report.Sent, byKind.Values.Sum());
    }

    [Fact]
    public async Task WhenSeveralLeadTimesHavePassedOnlyTheLatestIsSentAndTheOthersAreSkipped()
    {
        using var h = await StartAsync(azurite.IsolatedConnectionString(), startDaysAgo: 400);
        var forfait = await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA2, "PAT-01", 5);

        await h.Run.RunAsync();

        var records = (await h.RecordsAsync()).Where(r => r.Kind == nameof(ReminderKind.Microstructure)).ToDictionary(r => r.Days, r => (r.Outcome, r.Reason));
        Assert.Equal(("Sent", null), records[7]);
        Assert.Equal(("Skipped", "Superseded"), records[30]);
        Assert.Equal(("Skipped", "Superseded"), records[60]);
        var digest = Assert.Single(await h.DigestsAsync(), d => d.Kind == nameof(DigestKind.Microstructure));
        Assert.Equal(forfait.Id, Assert.Single(ReminderStore.ReadItems(digest)).ForfaitId);
    }

    [Fact]
    public async Task RemindersDueBeforeTheStartDateAreRecordedAsSkippedNeverSent()
    {
        // Start date in 20 days: everything due until then is skipped, what is due after it goes.
        var time = Clock();
        using var h = new ForfaitHarness(azurite.IsolatedConnectionString(), time, ForfaitHarnessDates.Today(time).AddDays(20));
        await h.SeedTreeAsync();
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-01", 5); // 60, 30, 7 and escalation due before the start
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-02", 55); // 60 now (skipped), 30 on day 25 (sent)

        for (var day = 0; day <= 30; day++)
        {
            await h.Run.RunAsync();
            h.Advance(1);
        }

        var records = await h.RecordsAsync();
        Assert.All(records.Where(r => OrgDatesOf(r.DueDate) < h.Options.RemindersStartDate), r => Assert.Equal(("Skipped", "BeforeStart"), (r.Outcome, r.Reason)));
        var sent = Assert.Single(records, r => r.Outcome == "Sent");
        Assert.Equal(30, sent.Days);
        Assert.Equal(6, records.Count);
        Assert.Equal(2, (await h.RecordedEmailsAsync()).Count); // the two contacts of one digest
    }

    [Fact]
    public async Task AMissedDayIsCaughtUpByTheNextRunWithoutDoubleSends()
    {
        using var h = await StartAsync(azurite.IsolatedConnectionString());
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-01", 31); // 30-day reminder due tomorrow
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-02", 32); // 30-day reminder due in two days
        await h.Run.RunAsync();
        Assert.DoesNotContain(await h.RecordsAsync(), r => r.Outcome == "Sent"); // their 60-day reminders were due before the start date

        h.Advance(2); // the timer did not run yesterday
        var caughtUp = await h.Run.RunAsync();
        h.Advance(1);
        var next = await h.Run.RunAsync();

        Assert.Equal((2, 1), (caughtUp.Sent, caughtUp.MicrostructureDigests));
        Assert.Equal(0, next.Sent);
        var records = await h.RecordsAsync();
        Assert.Equal(2, records.Count(r => r.Outcome == "Sent" && r.Days == 30));
        Assert.Equal(2, (await h.RecordedEmailsAsync()).Count);
        Assert.Equal(2, (await h.DrainQueueAsync()).Count);
    }

    [Fact]
    public async Task TwoRunsAtOnceOnTwoInstancesSendEachDigestOnce()
    {
        var storage = azurite.IsolatedConnectionString();
        using var first = await StartAsync(storage);
        using var second = new ForfaitHarness(storage, Clock(), first.Options.RemindersStartDate!.Value);
        for (var i = 0; i < 12; i++)
        {
            var microstructure = new[] { ForfaitHarness.MicrostructureA1, ForfaitHarness.MicrostructureA2, ForfaitHarness.MicrostructureB1 }[i % 3];
            await first.IncludeEndingInAsync(microstructure, $"PAT-{i:D2}", new[] { 3, 6, 25, 28, 59 }[i % 5]);
        }

        var reports = await Task.WhenAll(first.Run.RunAsync(), second.Run.RunAsync());

        var records = await first.RecordsAsync();
        var sent = records.Where(r => r.Outcome == "Sent").ToList();
        Assert.Equal(sent.Count, reports.Sum(r => r.Sent));
        var digests = await first.DigestsAsync();
        Assert.Equal(3 + 2, digests.Count); // three microstructures, two networks
        var committed = digests.SelectMany(d => Enumerable.Range(0, d.Recipients).Select(i => ForfaitEmails.EmailId(d.DigestId, i))).Order().ToList();
        var queued = await first.DrainQueueAsync();
        Assert.Equal(committed, queued.Order());
        // Every e-mail recorded beyond the committed ones waits for a marker that will never exist.
        var emails = await first.RecordedEmailsAsync();
        Assert.Equal(committed, emails.Select(e => e.Id).Where(committed.Contains).Order());
    }

    [Fact]
    public async Task NoPseudonymSchemeNameOrForfaitIdInAnyEmail()
    {
        using var h = await StartAsync(azurite.IsolatedConnectionString(), startDaysAgo: 400);
        var forfaits = new List<Forfait>
        {
            await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "ZQX-4471", 5, "equip-addict"),
            await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "MENTAL-77", 6, "sante-mentale"),
            await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureB1, "KAPPA-9", 25, "sante-mentale"),
        };

        await h.Run.RunAsync();

        var emails = await h.RecordedEmailsAsync();
        Assert.Equal(5, emails.Count);
        var forbidden = forfaits.SelectMany(f => new[] { f.Pseudonym, f.Id, f.SchemeId })
            .Concat(h.Options.Schemes.SelectMany(s => new[] { s.Name, s.Id, "Equip", "Addict", "santé mentale", "post-Covid" }));
        foreach (var (_, message) in emails)
        {
            var everything = string.Join("\n", new[] { message.To, message.ToName, message.Subject, message.Html, message.Text, message.ReplyTo, message.Category }
                .Concat(message.Headers.SelectMany(x => new[] { x.Key, x.Value })).Concat(message.Attachments.Select(a => a.FileName)));
            foreach (var word in forbidden)
            {
                Assert.DoesNotContain(word, everything, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task ASnoozedReminderIsSkippedAndTheNextOneStillGoes()
    {
        using var h = await StartAsync(azurite.IsolatedConnectionString());
        var forfait = await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA2, "PAT-01", 40); // 30-day reminder in 10 days
        var snoozed = await h.Forfaits.SnoozeAsync(forfait.Id, null, ForfaitHarness.NetworkActor(ForfaitHarness.NetworkA));
        Assert.Equal(30, snoozed.Value!.SnoozedReminderDays);

        for (var day = 0; day <= 40; day++)
        {
            await h.Run.RunAsync();
            h.Advance(1);
        }

        var records = (await h.RecordsAsync()).Where(r => r.Kind == nameof(ReminderKind.Microstructure)).ToDictionary(r => r.Days, r => (r.Outcome, r.Reason));
        Assert.Equal(("Skipped", "Snoozed"), records[30]);
        Assert.Equal(("Sent", null), records[7]);
    }

    [Fact]
    public async Task AnAcknowledgedPeriodGetsNoMoreTeamRemindersButStillTheEscalation()
    {
        using var h = await StartAsync(azurite.IsolatedConnectionString());
        var forfait = await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureB1, "PAT-01", 40);
        await h.Forfaits.AcknowledgeAsync(forfait.Id, new ReminderActionInput(1), ForfaitHarness.NetworkActor(ForfaitHarness.NetworkB));

        for (var day = 0; day <= 40; day++)
        {
            await h.Run.RunAsync();
            h.Advance(1);
        }

        var records = await h.RecordsAsync();
        var team = records.Where(r => r.Kind == nameof(ReminderKind.Microstructure)).ToDictionary(r => r.Days, r => (r.Outcome, r.Reason));
        Assert.Equal(("Skipped", "BeforeStart"), team[60]);
        Assert.Equal(("Skipped", "Acknowledged"), team[30]);
        Assert.Equal(("Skipped", "Acknowledged"), team[7]);
        Assert.Equal("Sent", Assert.Single(records, r => r.Kind == nameof(ReminderKind.Escalation)).Outcome);
        // Network B's two coordinator addresses are the same: one e-mail.
        Assert.Equal("admin-b@example.org", Assert.Single(await h.RecordedEmailsAsync()).Message.To);
    }

    [Fact]
    public async Task DigestsGroupByMicrostructureAndEscalationsByNetwork()
    {
        using var h = await StartAsync(azurite.IsolatedConnectionString());
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-01", 3);
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-02", 5, "sante-mentale");
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA2, "PAT-03", 7);
        await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureB1, "PAT-04", 2);

        await h.Run.RunAsync();

        var digests = await h.DigestsAsync();
        Assert.Equal(
            [("Microstructure", ForfaitHarness.MicrostructureA1, 2), ("Microstructure", ForfaitHarness.MicrostructureA2, 1), ("Microstructure", ForfaitHarness.MicrostructureB1, 1),
             ("Network", ForfaitHarness.NetworkA, 3), ("Network", ForfaitHarness.NetworkB, 1)],
            digests.Select(d => (d.Kind, d.ScopeId, ReminderStore.ReadItems(d).Count)).Order());
        var escalation = (await h.RecordedEmailsAsync()).First(e => e.Message.To == "admin-a@example.org").Message;
        Assert.Contains("3 forfaits de 2 microstructures ne sont toujours pas renouvelés", escalation.Text, StringComparison.Ordinal);
        Assert.Contains("Cabinet des Tanneurs : 2 forfaits, 1\u202F635\u00A0€", escalation.Text, StringComparison.Ordinal);
        Assert.Contains("Maison de santé du Port : 1 forfait, 806\u00A0€", escalation.Text, StringComparison.Ordinal);
        Assert.Equal("Alerte : 3 forfaits non renouvelés dans votre réseau", escalation.Subject);
    }

    private static DateOnly OrgDatesOf(string text) => Microstructures.Core.ReferenceData.OrgDates.Parse(text);
}

internal static class ForfaitHarnessDates
{
    public static DateOnly Today(TimeProvider time) => Microstructures.Core.ReferenceData.OrgDates.Today(time);
}
