using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Newsletter;
using Microstructures.TestSupport;

namespace Microstructures.Core.Tests.Newsletter;

public sealed class SubscriptionTests(Azurite azurite) : IClassFixture<Azurite>
{
    private NewsletterHarness Harness() => new(azurite.IsolatedConnectionString(), NewsletterHarness.At(2026, 3, 10, 8));

    [Fact]
    public async Task ASubscriptionStaysPendingUntilTheButtonOfTheConfirmationPageIsPressed()
    {
        using var h = Harness();

        var answer = await h.Subscriptions.SubscribeAsync(new SubscriptionInput(" Coordination@Example.org ", true));
        await h.DeliverQueuedEmailsAsync();

        Assert.Equal(NewsletterMessages.RequestReceived, answer.Value!.Message);
        Assert.Equal(SubscriberStatus.Pending, await h.StatusAsync("coordination@example.org"));
        var confirmation = Assert.Single(h.To("coordination@example.org"));
        Assert.Equal(NewsletterEmails.ConfirmationCategory, confirmation.Category);
        var token = NewsletterHarness.TokenFromLink(confirmation.Html, NewsletterLinks.ConfirmPath);

        var page = await h.Subscriptions.OpenConfirmationAsync(token); // a link scanner, or the person opening the page
        Assert.Equal(ConfirmationState.ToConfirm, page.Value!.State);
        Assert.Equal("c•••@example.org", page.Value.MaskedEmail);
        Assert.Equal(SubscriberStatus.Pending, await h.StatusAsync("coordination@example.org"));

        h.Time.Advance(TimeSpan.FromHours(2));
        var confirmed = await h.Subscriptions.ConfirmAsync(token);
        var again = await h.Subscriptions.ConfirmAsync(token);
        await h.DeliverQueuedEmailsAsync();

        Assert.Equal(ConfirmationState.Confirmed, confirmed.Value!.State);
        Assert.Equal(ConfirmationState.AlreadyConfirmed, again.Value!.State);
        var row = (await h.SubscriberAsync("coordination@example.org"))!;
        Assert.Equal(SubscriberStatus.Active, row.StatusValue());
        Assert.Equal(h.Time.GetUtcNow(), row.ConsentAt);
        Assert.Equal(ConsentTexts.FormVersion, row.ConsentVersion);
        Assert.Equal(ConsentTexts.FormText, row.ConsentText);
        Assert.Equal(nameof(SubscriberSource.Form), row.Source);
        Assert.Equal(nameof(LegalBasis.Consent), row.LegalBasis);
        Assert.Single(h.To("coordination@example.org"), r => r.Category == NewsletterEmails.WelcomeCategory); // pressed twice, welcomed once
    }

    [Fact]
    public async Task AConfirmationLinkExpiresAfterItsValidity()
    {
        using var h = Harness();
        await h.Subscriptions.SubscribeAsync(new SubscriptionInput("tardif@example.org", true));
        await h.DeliverQueuedEmailsAsync();
        var token = NewsletterHarness.TokenFromLink(h.To("tardif@example.org")[0].Html, NewsletterLinks.ConfirmPath);

        h.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        Assert.True((await h.Subscriptions.OpenConfirmationAsync(token)).IsSuccess);
        h.Time.Advance(TimeSpan.FromMinutes(2));
        var late = await h.Subscriptions.ConfirmAsync(token);

        Assert.Equal(ResultKind.NotFound, late.Kind);
        Assert.Equal(NewsletterMessages.ConfirmationExpired, late.Detail);
        Assert.Equal(SubscriberStatus.Pending, await h.StatusAsync("tardif@example.org"));
    }

    [Fact]
    public async Task AForgedOrForeignTokenConfirmsNothing()
    {
        using var h = Harness();
        await h.Subscriptions.SubscribeAsync(new SubscriptionInput("prudent@example.org", true));
        var id = h.Ids.For("prudent@example.org");
        var unsubscribeToken = h.Tokens.Unsubscribe(id);
        var genuine = h.Tokens.Confirmation(id, h.Time.GetUtcNow());
        var otherKey = new NewsletterTokens(Microsoft.Extensions.Options.Options.Create(new NewsletterOptions { SigningKey = "another-signing-key-of-at-least-32-chars" }));

        foreach (var token in new[] { unsubscribeToken, otherKey.Confirmation(id, h.Time.GetUtcNow()), genuine[..^2], "", "abc.def.ghi" })
        {
            Assert.Equal(NewsletterMessages.InvalidLink, (await h.Subscriptions.ConfirmAsync(token)).Detail);
        }
        Assert.Equal(SubscriberStatus.Pending, await h.StatusAsync("prudent@example.org"));
    }

    [Fact]
    public async Task ARequestNeedsAValidAddressAndTheConsentBox()
    {
        using var h = Harness();

        var missing = await h.Subscriptions.SubscribeAsync(new SubscriptionInput("", false));
        var invalid = await h.Subscriptions.SubscribeAsync(new SubscriptionInput("pas-une-adresse", true));

        Assert.Equal([NewsletterMessages.EmailMissing], missing.Errors["email"]);
        Assert.Equal([NewsletterMessages.ConsentMissing], missing.Errors["consent"]);
        Assert.Equal([NewsletterMessages.EmailInvalid], invalid.Errors["email"]);
        Assert.Empty(await h.RowsAsync<SubscriberEntity>(SubscriberStore.TableName));
    }

    [Fact]
    public async Task TheHoneypotIsAnsweredLikeAPersonAndStoresNothing()
    {
        using var h = Harness();

        var bot = await h.Subscriptions.SubscribeAsync(new SubscriptionInput("robot@example.org", true, "http://spam.example.org"));
        await h.DeliverQueuedEmailsAsync();

        Assert.Equal(SubscriptionService.Received, bot.Value);
        Assert.Null(await h.SubscriberAsync("robot@example.org"));
        Assert.Empty(h.Accepted);
    }

    // Whatever the address' state, the answer is the same; what differs only ever reaches that mailbox.
    [Fact]
    public async Task TheAnswerRevealsNothingOfAnExistingSubscription()
    {
        using var h = Harness();
        await h.ActiveSubscriberAsync("abonnee@example.org");
        await h.Subscriptions.SubscribeAsync(new SubscriptionInput("en-attente@example.org", true));
        await h.ActiveSubscriberAsync("partie@example.org");
        await h.Unsubscriptions.UnsubscribeAsync(h.Tokens.Unsubscribe(h.Ids.For("partie@example.org")), UnsubscribeChannel.Page);
        await h.ActiveSubscriberAsync("invalide@example.org");
        await h.Unsubscriptions.ApplyProviderSignalAsync("invalide@example.org", SubscriberSignal.Bounced, "550 no such user");
        await h.Get<SubscriberAdministration>().EraseAsync("effacee@example.org", Actor.Staff);
        await h.DeliverQueuedEmailsAsync();
        h.Time.Advance(TimeSpan.FromHours(1));
        var before = h.Accepted.Count;

        var answers = new List<Result<SubscriptionAnswer>>();
        foreach (var address in new[] { "nouvelle@example.org", "abonnee@example.org", "en-attente@example.org", "partie@example.org", "invalide@example.org", "effacee@example.org" })
        {
            answers.Add(await h.Subscriptions.SubscribeAsync(new SubscriptionInput(address, true)));
        }
        await h.DeliverQueuedEmailsAsync();

        Assert.All(answers, a => Assert.Equal(SubscriptionService.Received, a.Value));
        var sent = h.Accepted.Skip(before).ToList();
        Assert.Equal(
            [("abonnee@example.org", NewsletterEmails.NoticeCategory), ("effacee@example.org", NewsletterEmails.ConfirmationCategory), ("en-attente@example.org", NewsletterEmails.ConfirmationCategory),
             ("nouvelle@example.org", NewsletterEmails.ConfirmationCategory), ("partie@example.org", NewsletterEmails.ConfirmationCategory)],
            sent.Select(r => (r.To, r.Category)).Order().ToList()); // the bounced address gets nothing, nobody else is told anything
        Assert.Equal(SubscriberStatus.Active, await h.StatusAsync("abonnee@example.org"));
        Assert.Equal(SubscriberStatus.Unsubscribed, await h.StatusAsync("partie@example.org")); // only a confirmation brings it back
    }

    [Fact]
    public async Task RequestsForOneAddressSendAtMostOneEmailPerInterval()
    {
        using var h = Harness();

        for (var i = 0; i < 5; i++)
        {
            await h.Subscriptions.SubscribeAsync(new SubscriptionInput("cible@example.org", true));
            h.Time.Advance(TimeSpan.FromMinutes(1));
        }
        h.Time.Advance(TimeSpan.FromMinutes(6));
        await h.Subscriptions.SubscribeAsync(new SubscriptionInput("cible@example.org", true));
        await h.DeliverQueuedEmailsAsync();

        Assert.Equal(2, h.To("cible@example.org").Count);
    }

    [Fact]
    public async Task AnUnsubscribedAddressComesBackOnlyThroughANewConfirmation()
    {
        using var h = Harness();
        var id = await h.ActiveSubscriberAsync("revenante@example.org");
        var oldLink = h.Tokens.Confirmation(id, h.Time.GetUtcNow());
        h.Time.Advance(TimeSpan.FromMinutes(5));
        await h.Unsubscriptions.UnsubscribeAsync(h.Tokens.Unsubscribe(id), UnsubscribeChannel.OneClick);

        var replayed = await h.Subscriptions.ConfirmAsync(oldLink); // a link from before the unsubscription
        Assert.Equal(NewsletterMessages.LinkBeforeUnsubscribe, replayed.Detail);
        Assert.Equal(SubscriberStatus.Unsubscribed, await h.StatusAsync("revenante@example.org"));

        h.Time.Advance(TimeSpan.FromMinutes(20));
        await h.Subscriptions.SubscribeAsync(new SubscriptionInput("revenante@example.org", true));
        await h.DeliverQueuedEmailsAsync();
        Assert.Equal(SubscriberStatus.Unsubscribed, await h.StatusAsync("revenante@example.org")); // asking is not confirming
        var token = NewsletterHarness.TokenFromLink(h.To("revenante@example.org").Last().Html, NewsletterLinks.ConfirmPath);
        Assert.Equal(ConfirmationState.Confirmed, (await h.Subscriptions.ConfirmAsync(token)).Value!.State);

        Assert.Equal(SubscriberStatus.Active, await h.StatusAsync("revenante@example.org"));
        Assert.Null(await h.Get<SuppressionStore>().GetAsync(id)); // lifted by the new double opt-in
    }

    [Fact]
    public async Task TheRegistrationOptInIsAPendingSubscriptionConfirmedLikeAnyOther()
    {
        using var h = Harness();

        await h.Subscriptions.SubscribeFromRegistrationAsync("inscrite@example.org", "jn-2026", "reg1");
        h.Time.Advance(TimeSpan.FromMinutes(30));
        await h.Subscriptions.SubscribeFromRegistrationAsync("inscrite@example.org", "jn-2026", "reg1"); // the relay retried
        await h.DeliverQueuedEmailsAsync();

        Assert.Equal(SubscriberStatus.Pending, await h.StatusAsync("inscrite@example.org"));
        var confirmation = Assert.Single(h.To("inscrite@example.org"));
        await h.Subscriptions.ConfirmAsync(NewsletterHarness.TokenFromLink(confirmation.Html, NewsletterLinks.ConfirmPath));
        var row = (await h.SubscriberAsync("inscrite@example.org"))!;
        Assert.Equal(nameof(SubscriberSource.Registration), row.Source);
        Assert.Equal("inscription à l'événement jn-2026", row.SourceDetail);
        Assert.Equal(ConsentTexts.RegistrationText, row.ConsentText);
    }
}
