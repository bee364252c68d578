using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ical.Net;
using Azure.Data.Tables;
using Ical.Net.CalendarComponents;
using Microstructures.Core.Email;
using Microstructures.Core.Registrations;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

// The privacy notice promises an e-mail on any change: moving an event tells everyone registered, with
// an .ics that moves the calendar entry (same UID, higher SEQUENCE); a cancelled registration and a
// cancelled event send METHOD:CANCEL.
public sealed class EventChangeTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    private static (Calendar Calendar, CalendarEvent Entry) Ics(EmailMessage message, string fileName)
    {
        var calendar = Calendar.Load(Encoding.UTF8.GetString(Assert.Single(message.Attachments, a => a.FileName == fileName).Content))!;
        return (calendar, Assert.Single(calendar.Events));
    }

    private static async Task<string> PutAsync(HttpClient staff, string eventId, Dictionary<string, object> definition)
    {
        var response = await staff.PutAsJsonAsync($"/api/manage/events/{eventId}", definition);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict, body);
        return response.StatusCode.ToString();
    }

    [Fact]
    public async Task MovingTheEventTellsConfirmedAndWaitlistedOnceWithAnIcsThatMovesTheEntry()
    {
        var definition = Event(capacity: 1);
        var eventId = await PutEventAsync(app, definition);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var (seated, waiting, gone) = (Mail("assise"), Mail("attente"), Mail("partie"));
        await RegisterAsync(client, eventId, Person(seated, "Agathe"));
        await RegisterAsync(client, eventId, Person(waiting, "Bruno"));
        var leaving = await RegisterAsync(client, eventId, Person(gone, "Cyril"));
        (await client.PostAsync(PathOf(leaving.Body), null)).EnsureSuccessStatusCode();
        var (_, first) = Ics(Assert.Single(await EmailsToAsync(app, seated), e => e.Message.Category == "registration-confirmation").Message, "invitation.ics");

        definition["venue"] = "Salle Exemple B";
        definition["startsAt"] = $"{EventYear}-12-16T09:00";
        definition["endsAt"] = $"{EventYear}-12-16T17:00";
        await PutAsync(staff, eventId, definition);
        await PutAsync(staff, eventId, definition); // a retried save
        definition["capacity"] = 2; // not something registrants are told about
        await PutAsync(staff, eventId, definition);

        var toSeated = Assert.Single(await EmailsToAsync(app, seated), e => e.Message.Category == "registration-event-changed").Message;
        var toWaiting = Assert.Single(await EmailsToAsync(app, waiting), e => e.Message.Category == "registration-event-changed").Message;
        Assert.DoesNotContain(await EmailsToAsync(app, gone), e => e.Message.Category == "registration-event-changed");
        Assert.Contains("Salle Exemple B", toSeated.Text, StringComparison.Ordinal);
        Assert.Matches($"Auparavant : \\w+ 15 décembre {EventYear} à 08h30 – 17h30, Salle ASIEM", toSeated.Text);
        var (calendar, moved) = Ics(toSeated, "invitation.ics");
        Assert.Equal("PUBLISH", calendar.Method);
        Assert.Equal(first.Uid, moved.Uid);
        Assert.Equal(first.Sequence + 1, moved.Sequence);
        Assert.Equal(new DateTime(EventYear, 12, 16, 8, 0, 0, DateTimeKind.Utc), moved.Start!.AsUtc);
        Assert.Equal("mailto:no-reply@example.org", moved.Organizer!.Value!.ToString());
        Assert.Equal("CNRMS", moved.Organizer.CommonName);
        Assert.True(moved.DtStamp!.AsUtc > first.DtStamp!.AsUtc - TimeSpan.FromSeconds(1), "DTSTAMP is the moment the file is made");
        Assert.Empty(toWaiting.Attachments); // no seat, no calendar entry to move
        Assert.Contains("liste d'attente", toWaiting.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACancelledRegistrationAndACancelledEventSendMethodCancel()
    {
        var eventId = await CreateEventAsync(app, capacity: 1);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var (leaver, stayer, waiter) = (Mail("annule"), Mail("reste"), Mail("patiente"));
        var leaving = await RegisterAsync(client, eventId, Person(leaver, "Denis"));
        var (_, confirmation) = Ics(Assert.Single(await EmailsToAsync(app, leaver), e => e.Message.Category == "registration-confirmation").Message, "invitation.ics");
        (await client.PostAsync(PathOf(leaving.Body), null)).EnsureSuccessStatusCode();
        await RegisterAsync(client, eventId, Person(stayer, "Estelle"));
        await RegisterAsync(client, eventId, Person(waiter, "Fanny"));

        var cancelled = await staff.PostAsync($"/api/manage/events/{eventId}/cancel", null);
        var again = await staff.PostAsync($"/api/manage/events/{eventId}/cancel", null);

        var (leftCalendar, left) = Ics(Assert.Single(await EmailsToAsync(app, leaver), e => e.Message.Category == "registration-cancellation").Message, "annulation.ics");
        Assert.Equal("CANCEL", leftCalendar.Method);
        Assert.Equal(confirmation.Uid, left.Uid);
        Assert.True(left.Sequence > confirmation.Sequence);
        Assert.Equal("CANCELLED", left.Status);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var toStayer = Assert.Single(await EmailsToAsync(app, stayer), e => e.Message.Category == "registration-event-cancelled").Message;
        var (eventCalendar, ended) = Ics(toStayer, "annulation.ics");
        Assert.Equal("CANCEL", eventCalendar.Method);
        Assert.Equal(1, ended.Sequence);
        Assert.Equal("mailto:no-reply@example.org", ended.Organizer!.Value!.ToString());
        var toWaiter = Assert.Single(await EmailsToAsync(app, waiter), e => e.Message.Category == "registration-event-cancelled").Message;
        Assert.Empty(toWaiter.Attachments);
        Assert.DoesNotContain(await EmailsToAsync(app, leaver), e => e.Message.Category == "registration-event-cancelled");
        Assert.Equal(HttpStatusCode.Conflict, (await RegisterAsync(client, eventId, Person(Mail("trop-tard")))).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PutAsJsonAsync($"/api/manage/events/{eventId}", Event(capacity: 5))).StatusCode);
        Assert.Equal("closed", (await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}")).GetProperty("registrationState").GetString());
    }

    // The save records the change (a higher CalendarSequence) before the e-mails it owes; if it stops in
    // between, the registration e-mail sweep tells who is still owed, once.
    [Fact]
    public async Task AChangeWhoseSaveStoppedBeforeItsEmailsIsToldByTheSweepOnce()
    {
        var definition = Event(capacity: 5);
        var eventId = await PutEventAsync(app, definition);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var seated = Mail("coupee");
        await RegisterAsync(client, eventId, Person(seated, "Gaëlle"));
        definition["venue"] = "Salle Exemple C";
        await PutAsync(staff, eventId, definition);
        Assert.Single(await EmailsToAsync(app, seated), e => e.Message.Category == "registration-event-changed");
        // A second change whose save stopped right after writing the event row: nobody told yet.
        var store = app.Services.Get<RegistrationStore>();
        var evt = (await store.GetEventAsync(eventId))!;
        evt.CalendarSequence++;
        await (await store.TableAsync()).UpdateEntityAsync(evt, evt.ETag, TableUpdateMode.Replace);

        var sweep = await app.RunFunctionAsync("SweepRegistrationEmails");
        await app.RunFunctionAsync("SweepRegistrationEmails"); // owes nothing more

        Assert.True(sweep.GetProperty("succeeded").GetBoolean(), sweep.ToString());
        Assert.Equal(2, (await EmailsToAsync(app, seated)).Count(e => e.Message.Category == "registration-event-changed"));
        Assert.Equal(evt.CalendarSequence, (await store.GetEventAsync(eventId))!.NotifiedSequence);
    }
}
