using System.Net.Http.Json;
using System.Text.Json;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Microsoft.Playwright;

namespace Microstructures.EndToEnd.Pages;

// The staff move an event or cancel it on the events page: they see who will be told and confirm;
// registrants receive an .ics that moves the entry (same UID, higher SEQUENCE) or removes it (CANCEL),
// as the DevHost's outbox holds it. Calendar clients themselves were not tried here.
[Collection(PagesCollection.Name)]
public sealed class EventChangeInBrowserTests(PagesApp pages)
{
    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task MovingTheEventShowsWhoWillBeToldAndTheirIcsMovesTheEntry(int width)
    {
        var (eventId, title, email) = await EventWithARegistrantAsync($"journee-deplacee-{width}", "Journée déplacée " + width, "Gaspard");
        var confirmation = (await pages.App.WaitForEmailsAsync(email)).Single();
        var page = await pages.NewPageAsync(width, staffKey: true);
        await page.GotoAsync(pages.Url("api/manage/events"));
        await page.GetByRole(AriaRole.Button, new() { Name = title }).ClickAsync();
        await page.Locator("#registrations tr", new() { HasText = "Gaspard Exemple" }).WaitForAsync();

        await page.FillAsync("#ev-venue", "Salle Exemple B");
        await page.ClickAsync("#event-form button[type=submit]");
        var panel = page.Locator("#change-confirm");
        await Assertions.Expect(panel).ToContainTextAsync("Ce changement (lieu) sera annoncé par e-mail à 1\u00a0personne");
        await Assertions.Expect(panel).ToContainTextAsync("Gaspard Exemple (confirmé·e)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer et prévenir par e-mail" }).ClickAsync();
        await Assertions.Expect(page.Locator("#staff-message")).ToContainTextAsync("Événement enregistré. 1\u00a0personne prévenue par e-mail.");

        var change = (await pages.App.WaitForEmailsAsync(email, count: 2)).Single(m => m.GetProperty("subject").GetString()!.StartsWith("Changement", StringComparison.Ordinal));
        var before = await IcsAsync(confirmation, "invitation.ics");
        var after = await IcsAsync(change, "invitation.ics");
        Assert.Equal(before.Uid, after.Uid);
        Assert.True(after.Sequence > before.Sequence, $"SEQUENCE {after.Sequence} after {before.Sequence}");
        Assert.StartsWith("Salle Exemple B", after.Location, StringComparison.Ordinal);
        Assert.Equal("mailto:no-reply@example.org", after.Organizer!.Value!.ToString());
        if (width < 600)
        {
            await PageChecks.AssertNoHorizontalScrollAsync(page, "the change's confirmation on a phone");
        }
        await PageChecks.ScreenshotAsync(page, $"staff-event-changed-{width}");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task CancellingTheEventTellsEveryoneWithMethodCancel(int width)
    {
        var (eventId, title, email) = await EventWithARegistrantAsync($"journee-annulee-{width}", "Journée annulée " + width, "Hortense");
        await pages.App.WaitForEmailsAsync(email);
        var page = await pages.NewPageAsync(width, staffKey: true);
        await page.GotoAsync(pages.Url("api/manage/events"));
        await page.GetByRole(AriaRole.Button, new() { Name = title }).ClickAsync();
        await page.Locator("#registrations tr", new() { HasText = "Hortense Exemple" }).WaitForAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Annuler l'événement…" }).ClickAsync();
        await Assertions.Expect(page.Locator("#cancel-confirm")).ToContainTextAsync("1\u00a0personne inscrite recevra un e-mail d'annulation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Oui, annuler l'événement et prévenir" }).ClickAsync();
        await Assertions.Expect(page.Locator("#staff-message")).ToContainTextAsync("Événement annulé");
        await Assertions.Expect(page.Locator("#cancelled-note")).ToBeVisibleAsync();

        var cancelled = (await pages.App.WaitForEmailsAsync(email, count: 2)).Single(m => m.GetProperty("subject").GetString()!.StartsWith("Événement annulé", StringComparison.Ordinal));
        var text = await pages.App.Http.GetStringAsync(pages.Url($"_devhost/outbox/{Uri.EscapeDataString(cancelled.GetProperty("id").GetString()!)}/attachments/annulation.ics"));
        var calendar = Calendar.Load(text)!;
        Assert.Equal("CANCEL", calendar.Method);
        Assert.Equal("CANCELLED", Assert.Single(calendar.Events).Status);
        await page.GotoAsync(pages.Url("/"));
        Assert.DoesNotContain(title, await page.Locator("main").TextContentAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    private async Task<(string EventId, string Title, string Email)> EventWithARegistrantAsync(string eventId, string title, string firstName)
    {
        var now = DateTimeOffset.UtcNow;
        (await pages.Staff.PutAsJsonAsync($"api/manage/events/{eventId}", new
        {
            title, startsAt = now.AddDays(20).ToString("O"), endsAt = now.AddDays(20).AddHours(8).ToString("O"),
            venue = "Salle Exemple", address = "1 rue de l'Exemple, 57000 Metz", capacity = 10,
            registrationOpensAt = now.AddDays(-1).ToString("O"), registrationClosesAt = now.AddDays(19).ToString("O"), contactEmail = "contact@example.org",
        })).EnsureSuccessStatusCode();
        var email = $"{eventId}-{Guid.NewGuid():N}@example.org";
        await pages.RegisterAsync(eventId, email, firstName);
        return (eventId, title, email);
    }

    private async Task<CalendarEvent> IcsAsync(JsonElement message, string fileName)
    {
        var text = await pages.App.Http.GetStringAsync(pages.Url($"_devhost/outbox/{Uri.EscapeDataString(message.GetProperty("id").GetString()!)}/attachments/{fileName}"));
        return Assert.Single(Calendar.Load(text)!.Events);
    }
}
