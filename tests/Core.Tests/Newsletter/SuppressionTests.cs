using System.Text;
using Microstructures.Core.Audit;
using Microstructures.Core.Newsletter;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Newsletter;

public sealed class SuppressionTests(Azurite azurite) : IClassFixture<Azurite>
{
    private NewsletterHarness Harness() => new(azurite.IsolatedConnectionString(), NewsletterHarness.At(2026, 3, 10, 8));

    [Fact]
    public async Task AnErasedAddressLeavesOnlyItsHashAndNoImportBringsItBack()
    {
        using var h = Harness();
        await h.ActiveSubscriberAsync("effacer@example.org");

        var erased = await h.Get<SubscriberAdministration>().EraseAsync("Effacer@Example.org", Actor.Staff);
        var import = await h.Get<SubscriberImport>().ImportAsync(Encoding.UTF8.GetBytes("email\neffacer@example.org\nautre@example.org\n"), "Ancien fichier", Actor.Staff);

        Assert.True(erased.Value!.Existed);
        Assert.Equal((1, 1, 0), (import.Value!.Added, import.Value.Suppressed, import.Value.Existing));
        Assert.Null(await h.SubscriberAsync("effacer@example.org"));
        var suppression = Assert.Single(await h.RowsAsync<SuppressionEntity>(SuppressionStore.TableName));
        Assert.Equal(h.Ids.For("effacer@example.org"), suppression.RowKey);
        Assert.DoesNotContain(await h.RowsAsync<Azure.Data.Tables.TableEntity>(SuppressionStore.TableName),
            row => row.Select(p => p.Value).OfType<string>().Any(v => v.Contains('@', StringComparison.Ordinal))); // no address kept
        Assert.Equal(SubscriberStatus.Active, await h.StatusAsync("autre@example.org"));
    }

    [Fact]
    public async Task ProviderEventsMarkBouncesComplaintsAndUnsubscribesAndSuppressThem()
    {
        using var h = Harness();
        foreach (var address in new[] { "dur@example.org", "bloque@example.org", "plainte@example.org", "parti@example.org", "abandonne@example.org", "ignore@example.org" })
        {
            await h.ActiveSubscriberAsync(address);
        }

        await h.PostEventsAsync("""
            [{"event":"bounce","type":"bounce","email":"dur@example.org","reason":"550 5.1.1 unknown user"},
             {"event":"bounce","type":"blocked","email":"bloque@example.org","reason":"421 try later"},
             {"event":"spamreport","email":"plainte@example.org"},
             {"event":"group_unsubscribe","email":"parti@example.org"},
             {"event":"dropped","email":"abandonne@example.org","reason":"Bounced Address"},
             {"event":"dropped","email":"ignore@example.org","reason":"Spam Content (if spam checker app enabled)"},
             {"event":"spamreport","email":"plainte@example.org"}]
            """);

        Assert.Equal(SubscriberStatus.Bounced, await h.StatusAsync("dur@example.org"));
        Assert.Equal(SubscriberStatus.Active, await h.StatusAsync("bloque@example.org")); // a block is not a hard bounce
        Assert.Equal(SubscriberStatus.Complained, await h.StatusAsync("plainte@example.org"));
        Assert.Equal(SubscriberStatus.Unsubscribed, await h.StatusAsync("parti@example.org"));
        Assert.Equal(SubscriberStatus.Bounced, await h.StatusAsync("abandonne@example.org"));
        Assert.Equal(SubscriberStatus.Active, await h.StatusAsync("ignore@example.org"));
        var reasons = (await h.RowsAsync<SuppressionEntity>(SuppressionStore.TableName)).ToDictionary(s => s.RowKey, s => s.ReasonValue());
        Assert.Equal(SuppressionReason.Bounced, reasons[h.Ids.For("dur@example.org")]);
        Assert.Equal(SuppressionReason.Complained, reasons[h.Ids.For("plainte@example.org")]);
        Assert.Equal(SuppressionReason.Unsubscribed, reasons[h.Ids.For("parti@example.org")]);
        Assert.Equal(3 + 1, reasons.Count);
    }

    [Fact]
    public async Task StatusesOnlyMoveForwardAndABouncedAddressGetsNothingMore()
    {
        using var h = Harness();
        var id = await h.ActiveSubscriberAsync("casse@example.org");
        await h.Unsubscriptions.ApplyProviderSignalAsync("casse@example.org", SubscriberSignal.Complained, "spamreport");
        await h.Unsubscriptions.ApplyProviderSignalAsync("casse@example.org", SubscriberSignal.Bounced, "late bounce");
        await h.Unsubscriptions.UnsubscribeAsync(h.Tokens.Unsubscribe(id), UnsubscribeChannel.OneClick);
        h.Time.Advance(TimeSpan.FromHours(1));
        var before = h.To("casse@example.org").Count;

        await h.Subscriptions.SubscribeAsync(new SubscriptionInput("casse@example.org", true));
        await h.Get<SubscriberAdministration>().EraseAsync("casse@example.org", Actor.Staff);
        await h.Subscriptions.SubscribeAsync(new SubscriptionInput("casse@example.org", true));
        await h.DeliverQueuedEmailsAsync();

        Assert.Equal(before, h.To("casse@example.org").Count);
        Assert.Null(await h.SubscriberAsync("casse@example.org"));
        Assert.Equal(SuppressionReason.Complained, (await h.Get<SuppressionStore>().GetAsync(id))!.ReasonValue());
    }
}
