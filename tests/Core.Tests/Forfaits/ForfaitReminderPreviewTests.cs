using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Email;
using Microstructures.Core.Forfaits;
using Microstructures.Core.ReferenceData;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Forfaits;

public sealed class ForfaitReminderPreviewTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task ThePreviewShowsWhatTheRunWillSendWithoutRecordingOrSendingAnything()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2027, 4, 12, 7, 0, 0, TimeSpan.Zero));
        using var h = new ForfaitHarness(azurite.IsolatedConnectionString(), time, OrgDates.Today(time).AddDays(-10));
        await h.SeedTreeAsync();
        var soon = await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-05", 5);
        var month = await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-29", 29);
        var later = await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureB1, "PAT-90", 90);
        var dueBefore = await h.AllRowsAsync(ReminderStore.DueTableName);
        var preview = h.Get<ForfaitReminderPreview>();

        var today = await preview.PreviewAsync(h.Today);
        var inThirtyDays = await preview.PreviewAsync(h.Today.AddDays(30));

        Assert.Empty(await h.RecordsAsync());
        Assert.Empty(await h.RecordedEmailsAsync());
        Assert.Equal(dueBefore.Count, (await h.AllRowsAsync(ReminderStore.DueTableName)).Count);

        var team = Assert.Single(today.Digests, d => d.Kind == DigestKind.Microstructure);
        Assert.Equal((ForfaitHarness.MicrostructureA1, 2, 1612m), (team.ScopeId, team.Summary.Count, team.Summary.AmountEuros));
        Assert.Equal(["accueil-a1@example.org", "secretariat-a1@example.org"], team.Recipients);
        Assert.Equal([soon.Id, month.Id], team.Items.Select(i => i.ForfaitId));
        Assert.Equal(["admin-a@example.org", "medecin-a@example.org"], Assert.Single(today.Digests, d => d.Kind == DigestKind.Network).Recipients);
        Assert.Equal(3, today.Skipped[SkipReason.BeforeStart]);
        // 30 days on, assuming the daily runs in between: the 60-day reminder of the third forfait.
        Assert.True(inThirtyDays.AssumesEarlierRuns);
        var next = Assert.Single(inThirtyDays.Digests);
        Assert.Equal((ForfaitHarness.MicrostructureB1, later.Id, 60), (next.ScopeId, Assert.Single(next.Items).ForfaitId, next.Items[0].Days));

        // The run sends what the preview showed.
        await h.Run.RunAsync();
        var digests = await h.DigestsAsync();
        Assert.Equal(today.Digests.Select(d => (d.Kind.ToString(), d.ScopeId, string.Join(",", d.Items.Select(i => i.ForfaitId)))).Order(),
            digests.Select(d => (d.Kind, d.ScopeId, string.Join(",", ReminderStore.ReadItems(d).Select(i => i.ForfaitId)))).Order());
        Assert.Equal(4, (await h.RecordedEmailsAsync()).Count(e => e.Id.StartsWith("forfait-", StringComparison.Ordinal)));
        Assert.Equal(4, (await h.Get<EmailStore>().ListPendingAsync()).Count);
    }
}
