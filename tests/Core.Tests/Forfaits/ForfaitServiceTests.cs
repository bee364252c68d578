using Microsoft.Extensions.Time.Testing;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Forfaits;
using Microstructures.Core.ReferenceData;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Forfaits;

public sealed class ForfaitServiceTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly Actor NetworkA = ForfaitHarness.NetworkActor(ForfaitHarness.NetworkA);
    private static readonly Actor NetworkB = ForfaitHarness.NetworkActor(ForfaitHarness.NetworkB);

    private async Task<ForfaitHarness> StartAsync(DateTimeOffset now)
    {
        var time = new FakeTimeProvider(now);
        var h = new ForfaitHarness(azurite.IsolatedConnectionString(), time, OrgDates.Today(time));
        await h.SeedTreeAsync();
        return h;
    }

    private static ForfaitInput Inclusion(string pseudonym, string date, string microstructure = ForfaitHarness.MicrostructureA1, string scheme = "equip-addict") =>
        new(microstructure, pseudonym, scheme, date);

    [Fact]
    public async Task AForfaitIncludedOn29FebruaryEndsOn28FebruaryAndIsRenewedFrom1March()
    {
        using var h = await StartAsync(new DateTimeOffset(2028, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var created = (await h.Inclusions.CreateAsync(Inclusion("LEAP-1", "2028-02-29"), NetworkA)).Value!.Value;
        Assert.Equal(new ForfaitPeriod(1, new DateOnly(2028, 2, 29), new DateOnly(2029, 2, 28), 806m, PeriodOrigin.Inclusion), created.CurrentPeriod);

        h.Advance(350);
        var renewed = await h.Forfaits.RenewAsync(created.Id, new RenewalInput(1), NetworkA);

        Assert.Equal(new ForfaitPeriod(2, new DateOnly(2029, 3, 1), new DateOnly(2030, 2, 28), 806m, PeriodOrigin.Renewal), renewed.Value!.CurrentPeriod);
        // Its reminders are scheduled from the new end: 60, 30 and 7 days before, and the escalation.
        var due = (await h.AllRowsAsync(ReminderStore.DueTableName)).Where(r => r.RowKey.Contains("|002|", StringComparison.Ordinal)).Select(r => r.PartitionKey).Order();
        Assert.Equal(["2029-12-30", "2030-01-29", "2030-02-21", "2030-02-21"], due);
    }

    [Fact]
    public async Task RenewalsAreChainedFromThePreviousEndNotFromTodayAndARetryRenewsOnce()
    {
        using var h = await StartAsync(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var forfait = (await h.Inclusions.CreateAsync(Inclusion("PAT-7", "2026-05-20"), NetworkA)).Value!.Value;

        h.Advance(270); // renewed early, about three months before its end
        var early = (await h.Forfaits.RenewAsync(forfait.Id, new RenewalInput(1), NetworkA)).Value!;
        var retried = (await h.Forfaits.RenewAsync(forfait.Id, new RenewalInput(1), NetworkA)).Value!;
        h.Advance(460); // the second period ended 2028-05-19; renewed twelve days late
        var late = (await h.Forfaits.RenewAsync(forfait.Id, null, NetworkA)).Value!;

        Assert.Equal((new DateOnly(2027, 5, 20), new DateOnly(2028, 5, 19)), (early.CurrentPeriod.Start, early.CurrentPeriod.End));
        Assert.Equal(2, retried.CurrentPeriod.Number);
        Assert.Equal((3, new DateOnly(2028, 5, 20), new DateOnly(2029, 5, 19)), (late.CurrentPeriod.Number, late.CurrentPeriod.Start, late.CurrentPeriod.End));
        Assert.Equal([1, 2, 3], late.Periods.Select(p => p.Number));
        Assert.Equal(ForfaitStatus.Active, late.Status);
    }

    [Fact]
    public async Task ARenewalMoreThanAYearLateIsRefused()
    {
        using var h = await StartAsync(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var forfait = (await h.Inclusions.CreateAsync(Inclusion("PAT-8", "2026-05-20"), NetworkA)).Value!.Value;
        h.Advance(800);

        Assert.Equal(ForfaitStatus.Lapsed, (await h.Forfaits.GetAsync(forfait.Id, NetworkA)).Value!.Status);
        var refused = await h.Forfaits.RenewAsync(forfait.Id, null, NetworkA);

        Assert.Equal(ResultKind.Conflict, refused.Kind);
        Assert.Contains("Clôturez-le", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostingTheSameInclusionAgainGivesTheSameForfaitNotASecond()
    {
        using var h = await StartAsync(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var first = (await h.Inclusions.CreateAsync(Inclusion("pat-9", "2026-05-20"), NetworkA)).Value!;
        var again = (await h.Inclusions.CreateAsync(Inclusion(" PAT-9 ", "20/05/2026"), NetworkA)).Value!;
        var racing = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => h.Inclusions.CreateAsync(Inclusion("PAT-10", "2026-05-21"), NetworkA)));

        Assert.Equal((SaveOutcome.Created, SaveOutcome.Unchanged), (first.Outcome, again.Outcome));
        Assert.Equal(first.Value.Id, again.Value.Id);
        Assert.Equal("PAT-9", first.Value.Pseudonym);
        Assert.Single(racing.Select(r => r.Value!.Value.Id).Distinct());
        Assert.Equal(2, (await h.Forfaits.ListAsync(ForfaitHarness.MicrostructureA1, NetworkA)).Value!.Count);
    }

    [Fact]
    public async Task ASecondOpenForfaitForOnePatientAndSchemeIsRefusedUntilTheFirstIsClosed()
    {
        using var h = await StartAsync(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var first = (await h.Inclusions.CreateAsync(Inclusion("PAT-11", "2026-05-20"), NetworkA)).Value!.Value;

        var mistyped = await h.Inclusions.CreateAsync(Inclusion("PAT-11", "2026-05-02"), NetworkA);
        var otherScheme = await h.Inclusions.CreateAsync(Inclusion("PAT-11", "2026-05-02", scheme: "sante-mentale"), NetworkA);
        await h.Forfaits.CloseAsync(first.Id, new ClosureInput("entered-in-error"), NetworkA);
        var afterClosure = await h.Inclusions.CreateAsync(Inclusion("PAT-11", "2026-05-02"), NetworkA);

        Assert.Equal(ResultKind.Conflict, mistyped.Kind);
        Assert.Contains("a déjà un forfait ouvert", mistyped.Detail, StringComparison.Ordinal);
        Assert.True(otherScheme.IsSuccess);
        Assert.Equal(SaveOutcome.Created, afterClosure.Value!.Outcome);
    }

    [Fact]
    public async Task IdentifyingDataIsRefusedWithTheFieldNamedAndNothingIsStored()
    {
        using var h = await StartAsync(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));

        var email = await h.Inclusions.CreateAsync(Inclusion("jean.exemple@example.org", "2026-05-20"), NetworkA);
        var nir = await h.Inclusions.CreateAsync(Inclusion("1 85 02 75 123 456 25", "2026-05-20"), NetworkA);
        var phone = await h.Inclusions.CreateAsync(Inclusion("PAT-1", "06 12 34 56 78"), NetworkA);
        var dateShaped = await h.Inclusions.CreateAsync(Inclusion("JD-12031985", "2026-05-20"), NetworkA);

        Assert.Contains("Le champ « pseudonyme » contient ce qui ressemble à une adresse e-mail", Assert.Single(email.Errors["pseudonym"]), StringComparison.Ordinal);
        Assert.Contains("un numéro de sécurité sociale", Assert.Single(nir.Errors["pseudonym"]), StringComparison.Ordinal);
        Assert.Contains("Le champ « date d'inclusion » contient ce qui ressemble à un numéro de téléphone", Assert.Single(phone.Errors["inclusionDate"]), StringComparison.Ordinal);
        Assert.Equal("Le pseudonyme ressemble à une date : n'y mettez ni date de naissance ni aucune autre date.", Assert.Single(dateShaped.Errors["pseudonym"]));
        foreach (var table in new[] { ForfaitStore.TableName, ForfaitStore.LookupTableName, ReminderStore.DueTableName })
        {
            Assert.Empty(await h.AllRowsAsync(table));
        }
    }

    [Fact]
    public async Task ANetworkCannotTouchAnotherNetworksMicrostructureOrForfaits()
    {
        using var h = await StartAsync(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var forfait = (await h.Inclusions.CreateAsync(Inclusion("PAT-12", "2026-05-20"), NetworkA)).Value!.Value;

        var create = await h.Inclusions.CreateAsync(Inclusion("PAT-13", "2026-05-20"), NetworkB);
        var get = await h.Forfaits.GetAsync(forfait.Id, NetworkB);
        var renew = await h.Forfaits.RenewAsync(forfait.Id, null, NetworkB);
        var close = await h.Forfaits.CloseAsync(forfait.Id, new ClosureInput("moved"), NetworkB);
        var snooze = await h.Forfaits.SnoozeAsync(forfait.Id, null, NetworkB);
        var list = await h.Forfaits.ListAsync(ForfaitHarness.MicrostructureA1, NetworkB);
        var own = (await h.Forfaits.ListAsync(null, NetworkB)).Value!;

        Assert.Equal("La microstructure « cabinet-a1 » n'appartient pas à votre réseau.", Assert.Single(create.Errors["microstructureId"]));
        Assert.All(new[] { get.Kind, renew.Kind, close.Kind, snooze.Kind, list.Kind }, k => Assert.Equal(ResultKind.NotFound, k));
        Assert.Empty(own);
        var unchanged = (await h.Forfaits.GetAsync(forfait.Id, NetworkA)).Value!;
        Assert.Equal((ForfaitStatus.Active, 1, (int?)null), (unchanged.Status, unchanged.CurrentPeriod.Number, unchanged.SnoozedReminderDays));
        Assert.Single((await h.Forfaits.ListAsync(null, NetworkA)).Value!);
    }

    [Fact]
    public async Task ClosingTakesAReasonFromTheClosedListInFrench()
    {
        using var h = await StartAsync(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var forfait = (await h.Inclusions.CreateAsync(Inclusion("PAT-14", "2026-05-20"), NetworkA)).Value!.Value;

        var unknown = await h.Forfaits.CloseAsync(forfait.Id, new ClosureInput("parti"), NetworkA);
        var closed = await h.Forfaits.CloseAsync(forfait.Id, new ClosureInput("lost-to-follow-up", "2026-05-30"), NetworkA);
        var renew = await h.Forfaits.RenewAsync(forfait.Id, null, NetworkA);

        Assert.StartsWith("Choisissez le motif de clôture parmi : end-of-follow-up (Fin du suivi : objectifs atteints), moved", Assert.Single(unknown.Errors["reason"]), StringComparison.Ordinal);
        Assert.Equal((ForfaitStatus.Closed, ClosureReason.LostToFollowUp, "Patient perdu de vue", new DateOnly(2026, 5, 30)),
            (closed.Value!.Status, closed.Value.ClosureReason!.Value, closed.Value.ClosureReasonLabel, closed.Value.ClosedOn!.Value));
        Assert.Equal(ResultKind.Conflict, renew.Kind);
        Assert.Equal(["closed", "created"], (await h.Get<AuditTrail>().ListAsync(AuditEntityTypes.Forfait, forfait.Id)).Select(e => e.Action).Order());
    }

    [Fact]
    public async Task AnInclusionWhoseFirstPeriodHasEndedIsSentToTheImport()
    {
        using var h = await StartAsync(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));

        var old = await h.Inclusions.CreateAsync(Inclusion("PAT-15", "2025-05-31"), NetworkA);
        var future = await h.Inclusions.CreateAsync(Inclusion("PAT-15", "2026-06-02"), NetworkA);

        Assert.Contains("importez l'inclusion", Assert.Single(old.Errors["inclusionDate"]), StringComparison.Ordinal);
        Assert.Equal("La date d'inclusion ne peut pas être dans le futur.", Assert.Single(future.Errors["inclusionDate"]));
    }
}
