using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Microstructures.Core.Newsletter;

namespace Microstructures.EndToEnd.Pages;

// What a subscriber does: subscribe on the public page, confirm with the e-mail's button, then leave
// by the visible unsubscribe link's button; opening the links alone changes nothing.
[Collection(PagesCollection.Name)]
public sealed class NewsletterInBrowserTests(PagesApp pages)
{
    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task SubscribeConfirmThenUnsubscribe(int width)
    {
        var email = $"lectrice-{width}-{Guid.NewGuid():N}@example.org";
        var page = await pages.NewPageAsync(width);
        var checks = await PageChecks.WatchAsync(page);

        await page.GotoAsync(pages.Url("api/newsletter/subscribe"));
        await page.GetByLabel("Adresse e-mail").FillAsync(email);
        await page.GetByLabel(ConsentTexts.FormText).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "M'abonner" }).ClickAsync();
        await page.Locator("h1", new() { HasText = "Demande d'abonnement reçue" }).WaitForAsync();
        Assert.EndsWith("/api/newsletter/subscribe?envoye=1", page.Url, StringComparison.Ordinal);

        var confirmation = Assert.Single(await pages.App.WaitForEmailsAsync(email));
        await page.GotoAsync(Link(confirmation, NewsletterLinks.ConfirmPath));
        Assert.Equal(SubscriberStatus.Pending, await StatusAsync(email));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirmer mon abonnement" }).ClickAsync();
        await page.Locator("h1", new() { HasText = "Abonnement confirmé" }).WaitForAsync();
        Assert.Equal(SubscriberStatus.Active, await StatusAsync(email));

        var welcome = (await pages.App.WaitForEmailsAsync(email, 2))[1];
        await page.GotoAsync(Link(welcome, NewsletterLinks.UnsubscribePath));
        Assert.Equal(SubscriberStatus.Active, await StatusAsync(email));
        await page.GetByRole(AriaRole.Button, new() { Name = "Me désabonner" }).ClickAsync();
        await page.Locator("h1", new() { HasText = "Désabonnement confirmé" }).WaitForAsync();
        Assert.Equal(SubscriberStatus.Unsubscribed, await StatusAsync(email));

        await checks.AssertPolicyRespectedAsync(page, $"newsletter flow at {width} px");
        await PageChecks.ScreenshotAsync(page, $"newsletter-unsubscribed-{width}");
        await page.Context.CloseAsync();
    }

    private static string Link(System.Text.Json.JsonElement email, string path) =>
        email.GetProperty("links").EnumerateArray().Select(l => l.GetString()!).First(l => new Uri(l).AbsolutePath == path);

    private async Task<SubscriberStatus?> StatusAsync(string email)
    {
        var services = pages.App.Services;
        var row = await services.GetRequiredService<SubscriberStore>().GetAsync(services.GetRequiredService<SubscriberIds>().For(email));
        return row?.StatusValue();
    }
}
