using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Forfaits;
using Microstructures.Core.ReferenceData;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Forfaits;

public sealed partial class ForfaitDigestTests(Azurite azurite) : IClassFixture<Azurite>
{
    private async Task<(ForfaitHarness H, List<Forfait> Forfaits, string DigestId, string Token)> SentDigestAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2027, 4, 12, 7, 0, 0, TimeSpan.Zero));
        var h = new ForfaitHarness(azurite.IsolatedConnectionString(), time, OrgDates.Today(time).AddDays(-10));
        await h.SeedTreeAsync();
        var forfaits = new List<Forfait>
        {
            await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-05", 5),
            await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-29", 29, "sante-mentale"),
            await h.IncludeEndingInAsync(ForfaitHarness.MicrostructureA1, "PAT-90", 90),
        };
        await h.Run.RunAsync();
        var email = (await h.RecordedEmailsAsync()).First(e => e.Message.To == "accueil-a1@example.org").Message;
        var link = LinkPattern().Match(email.Text);
        Assert.True(link.Success, email.Text);
        return (h, forfaits, link.Groups["id"].Value, link.Groups["token"].Value);
    }

    [Fact]
    public async Task TheEmailsLinkOpensItsDigestAndListsItsForfaitsOnlyWhenAsked()
    {
        var (h, forfaits, digestId, token) = await SentDigestAsync();
        using var _ = h;

        var overview = (await h.Get<ForfaitDigests>().OpenAsync(digestId, token)).Value!;
        var detail = (await h.Get<ForfaitDigests>().ListAsync(digestId, token)).Value!;

        Assert.Equal(("Cabinet des Tanneurs", 2, 1635m), (overview.ScopeName, overview.Summary.Count, overview.Summary.AmountEuros));
        var overviewJson = JsonSerializer.Serialize(overview);
        Assert.All(forfaits, f => Assert.DoesNotContain(f.Pseudonym, overviewJson, StringComparison.Ordinal));
        Assert.Equal(
            [("PAT-05", "Equip'Addict", h.Today.AddDays(5), 806m), ("PAT-29", "Microstructures post-Covid / santé mentale", h.Today.AddDays(29), 829m)],
            detail.Forfaits.Select(f => (f.Pseudonym, f.SchemeName, f.EndDate, f.AmountEuros)));
    }

    [Fact]
    public async Task AWrongTokenAnotherDigestsTokenOrAForfaitOutsideTheDigestIsNotFound()
    {
        var (h, forfaits, digestId, token) = await SentDigestAsync();
        using var _ = h;
        var digests = h.Get<ForfaitDigests>();
        var escalation = (await h.DigestsAsync()).Single(d => d.Kind == nameof(DigestKind.Network)).DigestId;

        Assert.Equal(ResultKind.NotFound, (await digests.OpenAsync(digestId, token[..^2] + "AA")).Kind);
        Assert.Equal(ResultKind.NotFound, (await digests.OpenAsync(digestId, null)).Kind);
        Assert.Equal(ResultKind.NotFound, (await digests.ListAsync(escalation, token)).Kind);
        Assert.Equal(ResultKind.NotFound, (await digests.ApplyAsync(digestId, token, forfaits[2].Id, DigestAction.Renew)).Kind);
        Assert.Equal(1, (await h.Forfaits.GetAsync(forfaits[2].Id, Actor.Staff)).Value!.CurrentPeriod.Number);
    }

    [Fact]
    public async Task FromTheLinkATeamRenewsOnceClosesAndSnoozes()
    {
        var (h, forfaits, digestId, token) = await SentDigestAsync();
        using var _ = h;
        var digests = h.Get<ForfaitDigests>();

        var renewed = (await digests.ApplyAsync(digestId, token, forfaits[0].Id, DigestAction.Renew)).Value!;
        var again = (await digests.ApplyAsync(digestId, token, forfaits[0].Id, DigestAction.Renew)).Value!;
        var closed = (await digests.ApplyAsync(digestId, token, forfaits[1].Id, DigestAction.Close, new ClosureInput("referred"))).Value!;

        Assert.True(renewed.RenewedSince);
        var forfait = (await h.Forfaits.GetAsync(forfaits[0].Id, Actor.Staff)).Value!;
        Assert.Equal((2, h.Today.AddDays(6)), (forfait.CurrentPeriod.Number, forfait.CurrentPeriod.Start));
        Assert.True(again.RenewedSince);
        Assert.Equal((ForfaitStatus.Closed, "Orientation vers une autre structure"), (closed.Status, closed.ClosureReasonLabel));
        var trail = await h.Get<AuditTrail>().ListAsync(AuditEntityTypes.Forfait, forfaits[0].Id);
        // Same instant on the fake clock: the trail's order between the two is not defined.
        Assert.Equal(["created", "renewed"], trail.Select(e => e.Action).Order());
        Assert.Equal(Actor.DigestLinkKind, trail.Single(e => e.Action == "renewed").ActorKind);
    }

    [Fact]
    public async Task ASnoozeFromTheLinkSkipsTheNextReminder()
    {
        var (h, forfaits, digestId, token) = await SentDigestAsync();
        using var _ = h;

        var snoozed = (await h.Get<ForfaitDigests>().ApplyAsync(digestId, token, forfaits[1].Id, DigestAction.Snooze)).Value!;
        for (var day = 0; day < 30; day++)
        {
            h.Advance(1);
            await h.Run.RunAsync();
        }

        Assert.Equal(7, snoozed.SnoozedReminderDays);
        var record = Assert.Single(await h.RecordsAsync(), r => r.ForfaitId == forfaits[1].Id && r.Days == 7 && r.Kind == nameof(ReminderKind.Microstructure));
        Assert.Equal(("Skipped", "Snoozed"), (record.Outcome, record.Reason));
    }

    [Fact]
    public async Task AnExpiredLinkSaysSo()
    {
        var (h, _, digestId, token) = await SentDigestAsync();
        using var __ = h;
        var expiresOn = (await h.Get<ForfaitDigests>().OpenAsync(digestId, token)).Value!.ExpiresOn;
        Assert.Equal(h.Today.AddDays(29 + 14), expiresOn); // 14 days after the last end it announces

        h.Advance(44);
        var expired = await h.Get<ForfaitDigests>().ListAsync(digestId, token);

        Assert.Equal(ResultKind.NotFound, expired.Kind);
        Assert.StartsWith("Ce lien a expiré le", expired.Detail, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"https://plateforme\.example\.org/api/forfaits/reminders/(?<id>d[0-9a-f\-]+)\?token=(?<token>[A-Za-z0-9_\-]+)")]
    private static partial Regex LinkPattern();
}
