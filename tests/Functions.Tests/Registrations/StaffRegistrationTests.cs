using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

public sealed class StaffRegistrationTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    [Fact]
    public async Task StaffListSearchCountAndExportRegistrationsForFrenchExcel()
    {
        var eventId = await CreateEventAsync(app, capacity: 1);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var helene = Mail("hélène");
        await RegisterAsync(client, eventId, Person(helene, "Hélène"));
        await RegisterAsync(client, eventId, Person(Mail("jules"), "Jules"));

        var all = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/registrations");
        var found = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/registrations?q=jules");
        var counts = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/counts");
        var csv = await staff.GetByteArrayAsync($"/api/manage/events/{eventId}/registrations.csv");

        Assert.Equal(2, all.GetArrayLength());
        Assert.Equal("Jules", Assert.Single(found.EnumerateArray()).GetProperty("firstName").GetString());
        Assert.Equal(1, counts.GetProperty("confirmed").GetInt32());
        Assert.Equal(1, counts.GetProperty("waitlisted").GetInt32());
        Assert.Equal(1, counts.GetProperty("confirmedByProfession").GetProperty("Médecin généraliste").GetInt32());
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csv[..3]);
        var lines = Encoding.UTF8.GetString(csv[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Statut;Prénom;Nom;E-mail;Profession", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith($"confirmé;Hélène;Exemple;{helene};Médecin généraliste", StringComparison.Ordinal));
        Assert.Equal(3, lines.Length);
    }

    // At the door and on the phone, staff need who is waiting in which place and who has arrived.
    [Fact]
    public async Task TheListAndTheCsvShowWaitlistPositionsAndPresence()
    {
        // Starting in an hour: the door records arrivals.
        var now = DateTimeOffset.UtcNow;
        var definition = Event(capacity: 1, opens: now.AddDays(-2), closes: now.AddMinutes(30));
        definition["startsAt"] = now.AddHours(1).ToString("O");
        definition["endsAt"] = now.AddHours(9).ToString("O");
        var eventId = await PutEventAsync(app, definition);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var seated = await RegisterAsync(client, eventId, Person(Mail("presente"), "Alix"));
        await RegisterAsync(client, eventId, Person(Mail("attente-1"), "Basile"));
        await RegisterAsync(client, eventId, Person(Mail("attente-2"), "Céleste"));
        var link = await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/checkin-link");
        var door = Uri.UnescapeDataString(new Uri(link.GetProperty("url").GetString()!).Query.Split("door=")[1]);
        var token = app.Services.Get<Microstructures.Core.Registrations.RegistrationTokens>().CheckinToken(eventId, seated.Body.GetProperty("registrationId").GetString()!);
        (await client.PostAsJsonAsync($"/api/events/{eventId}/checkins", new { token, doorKey = door })).EnsureSuccessStatusCode();

        var rows = (await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/registrations")).EnumerateArray().ToDictionary(r => r.GetProperty("firstName").GetString()!);
        var searched = Assert.Single((await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/registrations?q=céleste")).EnumerateArray());
        var csv = Encoding.UTF8.GetString((await staff.GetByteArrayAsync($"/api/manage/events/{eventId}/registrations.csv"))[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(JsonValueKind.Null, rows["Alix"].GetProperty("waitlistPosition").ValueKind);
        Assert.Equal(JsonValueKind.String, rows["Alix"].GetProperty("checkedInAt").ValueKind);
        Assert.Equal(1, rows["Basile"].GetProperty("waitlistPosition").GetInt32());
        Assert.Equal(2, rows["Céleste"].GetProperty("waitlistPosition").GetInt32());
        Assert.Equal(2, searched.GetProperty("waitlistPosition").GetInt32()); // its place in the whole list, not in the search
        var header = csv[0].Split(';');
        var present = Array.IndexOf(header, "Présent");
        var position = Array.IndexOf(header, "Position en liste d'attente");
        Assert.True(present > 0 && position > 0, csv[0]);
        var byName = csv[1..].Select(l => l.Split(';')).ToDictionary(c => c[1]);
        Assert.Equal("oui", byName["Alix"][present]);
        Assert.Matches(@"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$", byName["Alix"][Array.IndexOf(header, "Arrivée")]);
        Assert.Equal("", byName["Alix"][position]);
        Assert.Equal("1", byName["Basile"][position]);
        Assert.Equal("2", byName["Céleste"][position]);
        Assert.Equal("", byName["Céleste"][present]);
    }

    [Fact]
    public async Task TheStaffRegisterSomeoneWhoPhonedAndCancelOnTheirBehalf()
    {
        var eventId = await CreateEventAsync(app, capacity: 1);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();

        var waitingAddress = Mail("attente");
        var phoned = await staff.PostAsJsonAsync($"/api/manage/events/{eventId}/registrations", Person(Mail("telephone")));
        var waiting = await RegisterAsync(client, eventId, Person(waitingAddress));
        var id = (await phoned.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("registrationId").GetString();
        var cancelled = await staff.PostAsync($"/api/manage/events/{eventId}/registrations/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.Created, phoned.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, waiting.Status);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Contains(await EmailsToAsync(app, waitingAddress), e => e.Message.Category == "registration-promotion");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/manage/events/{eventId}/registrations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/manage/events/{eventId}/registrations.csv")).StatusCode);
    }

    [Fact]
    public async Task AnOrganiserMessageReachesEveryConfirmedRegistrantOnceEvenWhenSentTwice()
    {
        var eventId = await CreateEventAsync(app, capacity: 1);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var (seated, waiting) = (Mail("message"), Mail("message-attente"));
        await RegisterAsync(client, eventId, Person(seated));
        await RegisterAsync(client, eventId, Person(waiting));
        var message = new { subject = "Changement de salle", body = "La journée a lieu salle B.\n\nÀ bientôt !", audience = "confirmed" };

        var first = await staff.PostAsJsonAsync($"/api/manage/events/{eventId}/messages", message);
        var again = await staff.PostAsJsonAsync($"/api/manage/events/{eventId}/messages", message);
        var invalid = await staff.PostAsJsonAsync($"/api/manage/events/{eventId}/messages", new { subject = "", body = "", audience = "tous" });
        var folded = await staff.PostAsJsonAsync($"/api/manage/events/{eventId}/messages", new { subject = "Salle B\r\nBcc: tous@example.org", body = "Texte\u0000", audience = "confirmed" });

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(1, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alreadySent").GetInt32());
        var sent = Assert.Single(await EmailsToAsync(app, seated), e => e.Message.Category == "registration-message");
        Assert.Contains("salle B", sent.Message.Html, StringComparison.Ordinal);
        Assert.StartsWith("Changement de salle", sent.Message.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain(await EmailsToAsync(app, waiting), e => e.Message.Category == "registration-message");
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("subject", out _) && errors.TryGetProperty("body", out _) && errors.TryGetProperty("audience", out _));
        // The subject goes into a header, the body keeps its line breaks only.
        Assert.Equal(HttpStatusCode.BadRequest, folded.StatusCode);
        var foldedErrors = (await folded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(foldedErrors.TryGetProperty("subject", out _) && foldedErrors.TryGetProperty("body", out _));
    }

    [Fact]
    public async Task TheStaffCorrectARegistrationAndItsAddressMovesWithoutTakingASecondSeat()
    {
        var eventId = await CreateEventAsync(app, capacity: 3);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var (fautede, autre, corrigee) = (Mail("fautede"), Mail("autre"), Mail("corrigee"));
        var typo = await RegisterAsync(client, eventId, Person(fautede, "Rene"));
        await RegisterAsync(client, eventId, Person(autre));
        var id = typo.Body.GetProperty("registrationId").GetString();

        var edited = await staff.PutAsJsonAsync($"/api/manage/events/{eventId}/registrations/{id}", Person(corrigee, "René"));
        var clash = await staff.PutAsJsonAsync($"/api/manage/events/{eventId}/registrations/{id}", Person(autre, "René"));
        var again = await RegisterAsync(client, eventId, Person(corrigee, "René"));
        var freed = await RegisterAsync(client, eventId, Person(fautede, "Quelqu'un"));

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("René", (await edited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("firstName").GetString());
        Assert.Equal(HttpStatusCode.Conflict, clash.StatusCode);
        Assert.True(again.Body.GetProperty("alreadyRegistered").GetBoolean());
        Assert.NotEqual(id, freed.Body.GetProperty("registrationId").GetString());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}")).GetProperty("seatsLeft").GetInt32());
    }
}
