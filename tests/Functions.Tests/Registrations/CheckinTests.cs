using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microstructures.Core.Registrations;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

public sealed class CheckinTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    private static string DoorKey(string url) => Uri.UnescapeDataString(new Uri(url).Query.Split("door=")[1]);

    // The QR code of an attendee's e-mail carries this token (computed here with the same signing key).
    private string CheckinToken(string eventId, JsonElement registered) =>
        app.Services.Get<RegistrationTokens>().CheckinToken(eventId, registered.GetProperty("registrationId").GetString()!);

    // The certificate link the app hands out (in its e-mail and on the manage page once checked in).
    private string CertificatePath(string eventId, JsonElement registered) =>
        app.Services.Get<RegistrationLinks>().CertificateLink(eventId, registered.GetProperty("registrationId").GetString()!).PathAndQuery;

    // An event that began an hour ago (the worker runs on the real clock), registrations still open.
    private async Task<string> StartedEventAsync(int capacity) => await PutEventAsync(app, StartedEvent(capacity));

    private static Dictionary<string, object> StartedEvent(int capacity)
    {
        var now = DateTimeOffset.UtcNow;
        var definition = Event(capacity, opens: now.AddDays(-2), closes: now.AddHours(1));
        definition["startsAt"] = now.AddHours(-1).ToString("O");
        definition["endsAt"] = now.AddHours(8).ToString("O");
        return definition;
    }

    private async Task<HttpResponseMessage> CheckInAsync(HttpClient client, string eventId, JsonElement registered)
    {
        using var staff = app.CreateStaffClient();
        var link = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/checkin-link");
        return await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = CheckinToken(eventId, registered), doorKey = DoorKey(link.GetProperty("url").GetString()!) });
    }

    private static async Task<string> StatusOfAsync(HttpClient staff, string eventId, JsonElement registered)
    {
        var id = registered.GetProperty("registrationId").GetString();
        var all = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/registrations");
        return all.EnumerateArray().Single(r => r.GetProperty("registrationId").GetString() == id).GetProperty("status").GetString()!;
    }

    // A seat used at the door, or an event under way, is not given back by the manage link (a direct POST
    // included): nobody could take it any more. The staff can still correct, and then nobody on the
    // waitlist is promoted or e-mailed for an event already under way.
    [Fact]
    public async Task TheManageLinkCannotCancelAfterCheckInNorOnceTheEventHasBegunAndNobodyIsPromotedThen()
    {
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        // Not begun, but within the check-in window (the door opens a few hours before the start).
        var future = await StartingSoonAsync(capacity: 2);
        var early = await RegisterAsync(client, future, Person(Mail("arrivee-tot")));
        Assert.Equal(HttpStatusCode.OK, (await CheckInAsync(client, future, early.Body)).StatusCode);

        var afterCheckin = await client.PostAsync(PathOf(early.Body), null);

        Assert.Equal(HttpStatusCode.Conflict, afterCheckin.StatusCode);
        Assert.Contains("accueil", await afterCheckin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Confirmed", await StatusOfAsync(staff, future, early.Body));
        Assert.DoesNotContain("Annuler mon inscription", await client.GetStringAsync(PathOf(early.Body)), StringComparison.Ordinal);

        var started = await StartedEventAsync(capacity: 1);
        var seated = await RegisterAsync(client, started, Person(Mail("en-cours")));
        var waitingAddress = Mail("en-cours-attente");
        var waiting = await RegisterAsync(client, started, Person(waitingAddress));
        Assert.Equal(HttpStatusCode.Accepted, waiting.Status);

        var seatedCancel = await client.PostAsync(PathOf(seated.Body), null);
        var waitingCancel = await client.PostAsync(PathOf(waiting.Body), null);

        Assert.Equal(HttpStatusCode.Conflict, seatedCancel.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, waitingCancel.StatusCode);
        Assert.Equal("Confirmed", await StatusOfAsync(staff, started, seated.Body));
        Assert.Equal("Waitlisted", await StatusOfAsync(staff, started, waiting.Body));
        Assert.DoesNotContain("Annuler mon inscription", await client.GetStringAsync(PathOf(seated.Body)), StringComparison.Ordinal);

        // The staff correct: the seat is counted free, nobody is promoted nor e-mailed, not even when
        // the capacity is raised (which promotes before the start).
        var corrected = await staff.PostAsync($"/api/manage/events/{started}/registrations/{seated.Body.GetProperty("registrationId").GetString()}/cancel", null);
        var raised = StartedEvent(capacity: 3);
        var redefined = await staff.PutAsJsonAsync($"/api/manage/events/{started}", raised);
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, redefined.StatusCode);
        Assert.Equal("Cancelled", await StatusOfAsync(staff, started, seated.Body));
        Assert.Equal("Waitlisted", await StatusOfAsync(staff, started, waiting.Body));
        Assert.DoesNotContain(await EmailsToAsync(app, waitingAddress), e => e.Message.Category == "registration-promotion");
    }

    // The certificate has a link of its own: whoever is given it (an employer, a training body) sees the
    // certificate and nothing else; a cancelled registration has none.
    [Fact]
    public async Task ACertificateLinkOpensOnlyTheCertificateAndACancelledRegistrationHasNone()
    {
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var eventId = await StartedEventAsync(capacity: 2);
        var present = await RegisterAsync(client, eventId, Person(Mail("attestation"), "Ambre"));
        Assert.Equal(HttpStatusCode.OK, (await CheckInAsync(client, eventId, present.Body)).StatusCode);
        var manage = PathOf(present.Body);
        var certificate = System.Text.RegularExpressions.Regex.Match(await client.GetStringAsync(manage), "href=\"([^\"]*/certificate\\?token=[^\"]+)\"").Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal);
        Assert.NotEqual("", certificate);
        var certificateToken = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + certificate).Query)["token"].ToString();
        var manageToken = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + manage).Query)["token"].ToString();
        var manageWithCertificateToken = manage.Replace(manageToken, Uri.EscapeDataString(certificateToken), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(certificate)).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await client.PostAsync(manageWithCertificateToken, null)).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync(manageWithCertificateToken)).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync(manage.Replace("/manage?", "/certificate?", StringComparison.Ordinal))).StatusCode);
        Assert.Equal("Confirmed", await StatusOfAsync(staff, eventId, present.Body));

        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/manage/events/{eventId}/registrations/{present.Body.GetProperty("registrationId").GetString()}/cancel", null)).StatusCode);

        var afterCancel = await client.GetAsync(certificate);
        Assert.Equal(HttpStatusCode.Conflict, afterCancel.StatusCode);
        Assert.DoesNotContain("atteste que", await afterCancel.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("/certificate?", await client.GetStringAsync(manage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDoorLinkChecksAnAttendeeInOnceAndSaysSoTheSecondTime()
    {
        var eventId = await StartingSoonAsync(capacity: 1);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var seated = await RegisterAsync(client, eventId, Person(Mail("porte"), "Maxime"));
        var waiting = await RegisterAsync(client, eventId, Person(Mail("porte-attente")));
        var link = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/checkin-link");
        var door = DoorKey(link.GetProperty("url").GetString()!);

        var page = await client.GetAsync(new Uri(link.GetProperty("url").GetString()!).PathAndQuery);
        var first = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = CheckinToken(eventId, seated.Body), doorKey = door });
        var again = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = CheckinToken(eventId, seated.Body), doorKey = door });
        var notSeated = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = CheckinToken(eventId, waiting.Body), doorKey = door });
        var forged = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = seated.Body.GetProperty("registrationId").GetString() + ".AAAA", doorKey = door });

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Code d'entrée", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var firstBody = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Maxime", firstBody.GetProperty("firstName").GetString());
        Assert.False(firstBody.GetProperty("alreadyCheckedIn").GetBoolean());
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alreadyCheckedIn").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, notSeated.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.True((await forged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("token", out _));
        var counts = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/counts");
        Assert.Equal(1, counts.GetProperty("checkedIn").GetInt32());
    }

    [Fact]
    public async Task RevokingTheDoorLinkLocksOutEveryEarlierLink()
    {
        var eventId = await StartingSoonAsync(capacity: 1);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var seated = await RegisterAsync(client, eventId, Person(Mail("revocation")));
        var token = CheckinToken(eventId, seated.Body);
        var old = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/checkin-link");

        var renewed = await (await staff.DeleteAsync($"/api/manage/events/{eventId}/checkin-link")).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri(old.GetProperty("url").GetString()!).PathAndQuery)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token, doorKey = DoorKey(old.GetProperty("url").GetString()!) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token, doorKey = DoorKey(renewed.GetProperty("url").GetString()!) })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/manage/events/{eventId}/checkin-link")).StatusCode);
        // Seats are untouched by the revocation (its write is ETag-checked against the counters).
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}")).GetProperty("seatsLeft").GetInt32());
    }

    [Fact]
    public async Task AnAttendeeCheckedInGetsAPrintableCertificateOnceTheEventHasBegunAndCanHaveItEmailed()
    {
        // An event that began an hour ago (the worker runs on the real clock), registrations still open.
        var now = DateTimeOffset.UtcNow;
        var definition = Event(capacity: 2, opens: now.AddDays(-2), closes: now.AddHours(1));
        definition["startsAt"] = now.AddHours(-1).ToString("O");
        definition["endsAt"] = now.AddHours(8).ToString("O");
        var eventId = await PutEventAsync(app, definition);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var address = Mail("present");
        var present = await RegisterAsync(client, eventId, Person(address, "Ambre"));
        var absent = await RegisterAsync(client, eventId, Person(Mail("absent"), "Basile"));
        var certificate = CertificatePath(eventId, present.Body);
        var link = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/checkin-link");

        // Begun, but not checked in yet.
        Assert.Equal(HttpStatusCode.Conflict, (await client.GetAsync(certificate)).StatusCode);
        await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = CheckinToken(eventId, present.Body), doorKey = DoorKey(link.GetProperty("url").GetString()!) });

        var page = await client.GetStringAsync(certificate);
        var emailed = await client.PostAsync(certificate, null);

        Assert.Contains("atteste que <strong>Ambre Exemple</strong>", page, StringComparison.Ordinal);
        Assert.Contains("certificate?token=", await client.GetStringAsync(PathOf(present.Body)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, emailed.StatusCode);
        Assert.Contains(await EmailsToAsync(app, address), e => e.Message.Category == "registration-certificate");
        Assert.Equal(HttpStatusCode.Conflict, (await client.GetAsync(CertificatePath(eventId, absent.Body))).StatusCode);
    }

    // The certificate before the event begins: the old test moved the clock; here an event starting in
    // two hours, whose door is open (Registrations__CheckinMargin, four hours by default).
    [Fact]
    public async Task NoCertificateBeforeTheEventHasBegunEvenCheckedIn()
    {
        var eventId = await StartingSoonAsync(capacity: 2, hours: 2);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var present = await RegisterAsync(client, eventId, Person(Mail("en-avance")));
        var link = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/checkin-link");
        var checkedIn = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = CheckinToken(eventId, present.Body), doorKey = DoorKey(link.GetProperty("url").GetString()!) });
        Assert.Equal(HttpStatusCode.OK, checkedIn.StatusCode);

        var certificate = await client.GetAsync(CertificatePath(eventId, present.Body));

        Assert.Equal(HttpStatusCode.Conflict, certificate.StatusCode);
    }

    // Months before the event, a scanned code marks nobody present (and so hides nobody's cancel button);
    // after the event's window, neither.
    [Fact]
    public async Task OutsideTheCheckinWindowACodeMarksNobodyPresentAndSaysWhenTheDoorOpens()
    {
        var early = await CreateEventAsync(app, capacity: 2); // two years ahead
        var now = DateTimeOffset.UtcNow;
        var pastDefinition = Event(capacity: 2, opens: now.AddDays(-10), closes: now.AddDays(-2).AddHours(-1));
        pastDefinition["startsAt"] = now.AddDays(-2).ToString("O");
        pastDefinition["endsAt"] = now.AddDays(-2).AddHours(8).ToString("O");
        var past = await PutEventAsync(app, pastDefinition);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var person = await RegisterAsync(client, early, Person(Mail("trop-tot")));
        var latecomer = await staff.PostAsJsonAsync($"/api/manage/events/{past}/registrations", Person(Mail("trop-tard")));
        var latecomerId = (await latecomer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("registrationId").GetString()!;

        var tooEarly = await client.PostAsJsonAsync($"/api/events/{early}/checkins", new { token = CheckinToken(early, person.Body), doorKey = await DoorKeyAsync(staff, early) });
        var tooLate = await client.PostAsJsonAsync($"/api/events/{past}/checkins", new { token = app.Services.Get<RegistrationTokens>().CheckinToken(past, latecomerId), doorKey = await DoorKeyAsync(staff, past) });
        var staffTooEarly = await staff.PostAsync($"/api/manage/events/{early}/registrations/{person.Body.GetProperty("registrationId").GetString()}/checkin", null);

        Assert.Equal(HttpStatusCode.Conflict, tooEarly.StatusCode);
        Assert.Contains("les arrivées sont enregistrées à partir du", (await tooEarly.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
        Assert.Contains("fermé depuis le", (await tooLate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, staffTooEarly.StatusCode);
        Assert.Equal(0, (await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{early}/counts")).GetProperty("checkedIn").GetInt32());
        Assert.Equal(0, (await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{past}/counts")).GetProperty("checkedIn").GetInt32());
        Assert.Contains("Annuler mon inscription", await client.GetStringAsync(PathOf(person.Body)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDoorAndTheStaffCanUndoACheckin()
    {
        var eventId = await StartingSoonAsync(capacity: 3);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var byDoor = await RegisterAsync(client, eventId, Person(Mail("porte-erreur"), "Ninon"));
        var byStaff = await RegisterAsync(client, eventId, Person(Mail("equipe-erreur"), "Octave"));
        var door = await DoorKeyAsync(staff, eventId);
        var doorId = byDoor.Body.GetProperty("registrationId").GetString()!;
        var staffId = byStaff.Body.GetProperty("registrationId").GetString()!;
        (await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = CheckinToken(eventId, byDoor.Body), doorKey = door })).EnsureSuccessStatusCode();
        var staffCheckin = await staff.PostAsync($"/api/manage/events/{eventId}/registrations/{staffId}/checkin", null);
        Assert.Equal(HttpStatusCode.OK, staffCheckin.StatusCode);
        Assert.Equal(2, (await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/counts")).GetProperty("checkedIn").GetInt32());

        var undoneByDoor = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins/undo", new { registrationId = doorId, doorKey = door });
        var forgedUndo = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins/undo", new { registrationId = staffId, doorKey = "1.AAAA" });
        var undoneByStaff = await staff.DeleteAsync($"/api/manage/events/{eventId}/registrations/{staffId}/checkin");
        var again = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = CheckinToken(eventId, byDoor.Body), doorKey = door });

        Assert.Equal(HttpStatusCode.OK, undoneByDoor.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await undoneByDoor.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checkedInAt").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, forgedUndo.StatusCode);
        Assert.Equal(HttpStatusCode.OK, undoneByStaff.StatusCode);
        // Checked in again after the undo: a new arrival, not "already".
        Assert.False((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alreadyCheckedIn").GetBoolean());
        Assert.Equal(1, (await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/counts")).GetProperty("checkedIn").GetInt32());
        Assert.Contains("Annuler mon inscription", await client.GetStringAsync(PathOf(byStaff.Body)), StringComparison.Ordinal);
    }

    // Without the QR code: the short code of the e-mail and the manage page, typed as a person types it,
    // or a search by name showing only what the door needs.
    [Fact]
    public async Task TheDoorChecksInByShortCodeOrByANameSearchShowingOnlyWhatTheDoorNeeds()
    {
        var eventId = await StartingSoonAsync(capacity: 2);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var chloe = await RegisterAsync(client, eventId, Person(Mail("code"), "Chloé"));
        await RegisterAsync(client, eventId, Person(Mail("nom"), "Zoé"));
        var waiting = await RegisterAsync(client, eventId, Person(Mail("attend"), "Chloris"));
        var door = await DoorKeyAsync(staff, eventId);
        var code = app.Services.Get<RegistrationTokens>().EntryCode(eventId, chloe.Body.GetProperty("registrationId").GetString()!);
        var manage = await client.GetStringAsync(PathOf(chloe.Body));

        var typed = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = " " + code.ToLowerInvariant().Replace('-', ' '), doorKey = door });
        var unknown = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token = "ZZZ-ZZZ" == code ? "YYY-YYY" : "ZZZ-ZZZ", doorKey = door });
        var search = await client.GetAsync($"/api/events/{eventId}/door/registrations?door={Uri.EscapeDataString(door)}&q=chlo");
        var withoutDoor = await client.GetAsync($"/api/events/{eventId}/door/registrations?q=chlo");
        var tooShort = await client.GetAsync($"/api/events/{eventId}/door/registrations?door={Uri.EscapeDataString(door)}&q=c");
        var found = (await search.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        var zoe = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/door/registrations?door={Uri.EscapeDataString(door)}&q=zoe");
        var byId = await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { registrationId = zoe[0].GetProperty("registrationId").GetString(), doorKey = door });

        Assert.Contains($"<strong class=\"entry-code\">{code}</strong>", manage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, typed.StatusCode);
        Assert.Equal("Chloé", (await typed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("firstName").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Equal(["Chloé", "Chloris"], found.Select(f => f.GetProperty("firstName").GetString()!).Order(StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("fr-FR"), ignoreCase: true)));
        Assert.Equal(["checkedInAt", "firstName", "lastName", "organisation", "registrationId", "status"], found[0].EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Waitlisted", found.Single(f => f.GetProperty("firstName").GetString() == "Chloris").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, withoutDoor.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Assert.Equal(2, (await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/counts")).GetProperty("checkedIn").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { registrationId = waiting.Body.GetProperty("registrationId").GetString(), doorKey = door })).StatusCode);
    }

    // An event starting in `hours` hours: its door is open.
    private async Task<string> StartingSoonAsync(int capacity, int hours = 1)
    {
        var now = DateTimeOffset.UtcNow;
        var definition = Event(capacity, opens: now.AddDays(-2), closes: now.AddMinutes(30));
        definition["startsAt"] = now.AddHours(hours).ToString("O");
        definition["endsAt"] = now.AddHours(hours + 8).ToString("O");
        return await PutEventAsync(app, definition);
    }

    private static async Task<string> DoorKeyAsync(HttpClient staff, string eventId) =>
        DoorKey((await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/checkin-link")).GetProperty("url").GetString()!);
}
