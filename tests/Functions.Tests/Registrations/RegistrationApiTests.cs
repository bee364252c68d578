using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ical.Net;
using Microstructures.Core.Registrations;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

// The public registration API and pages through the worker under the DevHost.
public sealed class RegistrationApiTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    [Fact]
    public async Task FortySimultaneousRegistrationsForFiveSeatsConfirmExactlyFiveAndWaitlistTheRestInOrder()
    {
        var eventId = await CreateEventAsync(app, capacity: 5);
        using var client = app.CreateClient();

        var results = await Task.WhenAll(Enumerable.Range(1, 40).Select(i => RegisterAsync(client, eventId, Person(Mail($"personne{i}")))));

        Assert.Equal(5, results.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(35, results.Count(r => r.Status == HttpStatusCode.Accepted));
        var positions = results.Where(r => r.Status == HttpStatusCode.Accepted).Select(r => r.Body.GetProperty("waitlistPosition").GetInt32()).Order();
        Assert.Equal(Enumerable.Range(1, 35), positions);
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(0, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(35, summary.GetProperty("waitlisted").GetInt32());
    }

    [Fact]
    public async Task AHundredAndTwentySimultaneousRegistrationsForFiftySeatsAreCommittedInBatchesWithoutOverbooking()
    {
        // Enough at once on ONE instance that the group committer commits several per transaction.
        var eventId = await CreateEventAsync(app, capacity: 50);
        using var client = app.CreateClient();
        var addresses = Enumerable.Range(1, 120).Select(i => Mail($"groupe{i}")).ToList();

        var results = await Task.WhenAll(addresses.Select(a => RegisterAsync(client, eventId, Person(a))));

        Assert.Equal(50, results.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(70, results.Count(r => r.Status == HttpStatusCode.Accepted));
        Assert.All(results, r => Assert.False(r.Body.GetProperty("alreadyRegistered").GetBoolean()));
        Assert.Equal(120, results.Select(r => r.Body.GetProperty("registrationId").GetString()).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 70), results.Where(r => r.Status == HttpStatusCode.Accepted).Select(r => r.Body.GetProperty("waitlistPosition").GetInt32()).Order());
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(0, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(70, summary.GetProperty("waitlisted").GetInt32());

        // The same ten addresses again, at once: told they are registered already, no count moves.
        var again = await Task.WhenAll(addresses.Take(10).Select(a => RegisterAsync(client, eventId, Person(a))));
        Assert.All(again, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(again, a => Assert.True(a.Body.GetProperty("alreadyRegistered").GetBoolean()));
        summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(0, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(70, summary.GetProperty("waitlisted").GetInt32());
    }

    // Whoever types an address may not own it: a known address is answered with that fact only (the
    // privacy notice says so), on the API, the form and the staff route alike; its id, status, waitlist
    // position and manage link go to the mailbox only, in at most one e-mail an hour whatever the route.
    [Fact]
    public async Task AKnownAddressIsAnsweredWithoutItsIdStatusPositionOrLinkAndItsMailboxIsToldOnce()
    {
        var eventId = await CreateEventAsync(app, capacity: 1);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var address = Mail("dominique");
        await RegisterAsync(client, eventId, Person(Mail("premiere")));
        var owner = await RegisterAsync(client, eventId, Person(address));
        Assert.Equal(HttpStatusCode.Accepted, owner.Status);

        // The worker's clock is the real one: repeats that straddle a clock hour are told twice, rightly.
        var hourBefore = DateTime.UtcNow.ToString("yyyyMMddHH", System.Globalization.CultureInfo.InvariantCulture);
        var stranger = await RegisterAsync(client, eventId, Person(address.Replace("dominique", "Dominique", StringComparison.Ordinal).Replace("example.org", "Example.org", StringComparison.Ordinal), "Autre"));
        var byStaff = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => staff.PostAsJsonAsync($"/api/manage/events/{eventId}/registrations", Person(address))));
        var page = await client.PostAsync($"/api/events/{eventId}/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["firstName"] = "Autre", ["lastName"] = "Exemple", ["email"] = address, ["profession"] = "patient",
            ["organisation"] = "Association Exemple", ["region"] = "Normandie",
        }));
        // At most one more if the hour turned between the two readings (it may have turned outside the requests).
        var hours = hourBefore == DateTime.UtcNow.ToString("yyyyMMddHH", System.Globalization.CultureInfo.InvariantCulture) ? 1 : 2;

        var answers = new List<(HttpStatusCode Status, string Body)> { (stranger.Status, stranger.Body.GetRawText()) };
        foreach (var response in byStaff)
        {
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }
        var ownerId = owner.Body.GetProperty("registrationId").GetString()!;
        foreach (var (status, body) in answers)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            var json = JsonDocument.Parse(body).RootElement;
            Assert.True(json.GetProperty("alreadyRegistered").GetBoolean());
            Assert.Contains("déjà inscrite", json.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain(ownerId, body, StringComparison.Ordinal);
            foreach (var property in new[] { "registrationId", "status", "waitlistPosition", "manageUrl" })
            {
                Assert.False(json.TryGetProperty(property, out _), $"the answer to a known address carries {property}: {body}");
            }
        }
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("déjà inscrite", html, StringComparison.Ordinal);
        Assert.DoesNotContain(ownerId, html, StringComparison.Ordinal);
        Assert.DoesNotContain("liste d'attente", html, StringComparison.Ordinal);
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(1, summary.GetProperty("waitlisted").GetInt32());
        // The first e-mail, and one more telling the owner (not the stranger's name) where they stand, with their link.
        var emails = await EmailsToAsync(app, address);
        var told = emails.First(e => e.Message.Category == "registration-again");
        Assert.InRange(emails.Count(e => e.Message.Category == "registration-again"), 1, hours);
        Assert.Single(emails, e => e.Message.Category != "registration-again");
        Assert.Contains(owner.Body.GetProperty("manageUrl").GetString()!.Replace("&", "&amp;", StringComparison.Ordinal), told.Message.Html, StringComparison.Ordinal);
        Assert.Contains("liste d'attente", told.Message.Html, StringComparison.Ordinal);
        Assert.Contains("Bonjour Camille", told.Message.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFormNeverOpensSomeoneElsesRegistrationForWhoeverTypesTheirAddress()
    {
        var eventId = await CreateEventAsync(app, capacity: 2);
        using var client = app.CreateClient();
        var address = Mail("louise");
        FormUrlEncodedContent Form() => new(new Dictionary<string, string>
        {
            ["firstName"] = "Louise", ["lastName"] = "Exemple", ["email"] = address, ["profession"] = "patient",
            ["organisation"] = "Association Exemple", ["region"] = "Normandie",
        });

        var owner = await client.PostAsync($"/api/events/{eventId}/register", Form());
        var stranger = await client.PostAsync($"/api/events/{eventId}/register", Form());

        // The owner is sent (303) to the registration's own page, whose address holds its signed link: a
        // refresh reloads that page and never posts again; the stranger's answer holds no link.
        Assert.Equal(HttpStatusCode.SeeOther, owner.StatusCode);
        Assert.Matches($"^/api/events/{eventId}/registrations/[0-9a-f]{{32}}/manage\\?token=", owner.Headers.Location!.OriginalString);
        Assert.Empty(await owner.Content.ReadAsByteArrayAsync());
        var ownerPage = await client.GetStringAsync(owner.Headers.Location);
        Assert.Contains("Votre inscription est <strong>confirmée</strong>", ownerPage, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", ownerPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);
        Assert.Null(stranger.Headers.Location);
        var page = await stranger.Content.ReadAsStringAsync();
        Assert.Contains("est déjà inscrite à cet événement", page, StringComparison.Ordinal);
        // Status-neutral: the address may be on the waitlist, so no "confirmation" is promised.
        Assert.DoesNotContain("confirmation", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("token=", page, StringComparison.Ordinal);
        // The privacy notice of the form says what a repeated registration reveals.
        Assert.Contains("indique seulement que cette adresse est inscrite", await client.GetStringAsync($"/api/events/{eventId}/register"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConfirmationEmailCarriesTheCalendarInvitationTheQrCodeAndTheManageLinkButNoHealthData()
    {
        var eventId = await CreateEventAsync(app, capacity: 5);
        using var client = app.CreateClient();
        var address = Mail("alex");

        var registered = await RegisterAsync(client, eventId, Person(address, "Alex"));

        var (record, message) = Assert.Single(await EmailsToAsync(app, address));
        // Queued, and sent by SendEmail through the SendGrid client to the DevHost's sink.
        Assert.Single(await app.WaitForEmailsAsync(address));
        Assert.Equal(Microstructures.Core.Email.EmailStatus.Sent, (await app.Services.Get<Microstructures.Core.Email.EmailStore>().GetAsync(record.EmailId))!.Status);
        Assert.Equal("registration-confirmation", message.Category);
        Assert.Contains("Inscription confirmée", message.Subject, StringComparison.Ordinal);
        Assert.Contains(registered.Body.GetProperty("manageUrl").GetString()!.Replace("&", "&amp;", StringComparison.Ordinal), message.Html, StringComparison.Ordinal);
        Assert.StartsWith("https://evenements.example.org/api/events/", registered.Body.GetProperty("manageUrl").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("fauteuil", message.Html, StringComparison.OrdinalIgnoreCase);
        var ics = Assert.Single(message.Attachments, a => a.FileName == "invitation.ics");
        var calendar = Calendar.Load(Encoding.UTF8.GetString(ics.Content))!;
        var evt = Assert.Single(calendar.Events);
        Assert.Equal(EventStartsAtUtc.UtcDateTime, evt.Start!.AsUtc);
        Assert.Contains("Salle ASIEM", evt.Location, StringComparison.Ordinal);
        var qr = Assert.Single(message.Attachments, a => a.ContentType == "image/png");
        Assert.Equal("qr-checkin", qr.ContentId);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, qr.Content[..4]);
    }

    [Fact]
    public async Task CancellingThroughTheLinkPageFreesTheSeatAndPromotesWaitlistPositionOne()
    {
        var eventId = await CreateEventAsync(app, capacity: 1);
        using var client = app.CreateClient();
        var (claude, sacha, noa) = (Mail("claude"), Mail("sacha"), Mail("noa"));
        var seated = await RegisterAsync(client, eventId, Person(claude, "Claude"));
        var first = await RegisterAsync(client, eventId, Person(sacha, "Sacha"));
        var second = await RegisterAsync(client, eventId, Person(noa, "Noa"));
        Assert.Equal(1, first.Body.GetProperty("waitlistPosition").GetInt32());

        var page = await client.GetStringAsync(PathOf(seated.Body));
        Assert.Contains("Annuler mon inscription", page, StringComparison.Ordinal);
        Assert.Contains("confirmée", page, StringComparison.Ordinal);
        var cancelled = await client.PostAsync(PathOf(seated.Body), null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Contains("Votre inscription est annulée", await cancelled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Votre inscription est <strong>confirmée</strong>", await client.GetStringAsync(PathOf(first.Body)), StringComparison.Ordinal);
        Assert.Contains("en position 1", await client.GetStringAsync(PathOf(second.Body)), StringComparison.Ordinal);
        var promotion = Assert.Single(await EmailsToAsync(app, sacha), e => e.Message.Category == "registration-promotion");
        Assert.Contains(await app.WaitForEmailsAsync(sacha, count: 2), m => m.GetProperty("subject").GetString() == promotion.Message.Subject);
        Assert.Contains(await EmailsToAsync(app, claude), e => e.Message.Category == "registration-cancellation");
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(0, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(1, summary.GetProperty("waitlisted").GetInt32());
    }

    [Fact]
    public async Task LeavingTheWaitlistWhileSeatsAreFreeAfterAnInterruptedCapacityRaisePromotesTheNextPerson()
    {
        var eventId = await CreateEventAsync(app, capacity: 1);
        using var client = app.CreateClient();
        await RegisterAsync(client, eventId, Person(Mail("premiere")));
        var leaving = await RegisterAsync(client, eventId, Person(Mail("partante")));
        var next = await RegisterAsync(client, eventId, Person(Mail("suivante")));
        // The capacity raise was saved but the process stopped before promoting anyone.
        var store = app.Services.Get<RegistrationStore>();
        var evt = (await store.GetEventAsync(eventId))!;
        evt.Capacity = 2;
        await (await store.TableAsync()).UpdateEntityAsync(evt, evt.ETag);

        var cancelled = await client.PostAsync(PathOf(leaving.Body), null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Contains("Votre inscription est <strong>confirmée</strong>", await client.GetStringAsync(PathOf(next.Body)), StringComparison.Ordinal);
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(0, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(0, summary.GetProperty("waitlisted").GetInt32());
    }

    [Fact]
    public async Task AForgedOrMissingTokenNeitherShowsNorCancelsARegistration()
    {
        var eventId = await CreateEventAsync(app, capacity: 1);
        using var client = app.CreateClient();
        var seated = await RegisterAsync(client, eventId, Person(Mail("eden")));
        var id = seated.Body.GetProperty("registrationId").GetString();

        var forged = await client.PostAsync($"/api/events/{eventId}/registrations/{id}/manage?token=AAAA", null);
        var missing = await client.GetAsync($"/api/events/{eventId}/registrations/{id}/manage");

        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(0, summary.GetProperty("seatsLeft").GetInt32());
    }

    [Fact]
    public async Task BadInputNamesEveryFieldInFrenchAndStoresNothing()
    {
        var eventId = await CreateEventAsync(app, capacity: 3);
        using var client = app.CreateClient();

        var response = await client.PostAsJsonAsync($"/api/events/{eventId}/registrations", new
        {
            firstName = " ",
            lastName = new string('x', 101),
            email = "pas-une-adresse",
            profession = "astronaute",
            organisation = "",
            region = "Atlantide",
            accessibilityNeeds = new string('a', 1001),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "firstName", "lastName", "email", "profession", "organisation", "region", "accessibilityNeeds" })
        {
            Assert.True(errors.TryGetProperty(field, out var messages), field + " is not named");
            Assert.Matches("[a-zéèà]", messages[0].GetString()!);
        }
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(3, summary.GetProperty("seatsLeft").GetInt32());
    }

    // A failure of the function's input is an answer in French, never the host's empty 500.
    [Fact]
    public async Task MalformedJsonIsA400ProblemInFrenchNotA500()
    {
        var eventId = await CreateEventAsync(app, capacity: 3);
        using var client = app.CreateClient();

        var response = await client.PostAsync($"/api/events/{eventId}/registrations", new StringContent("{\"firstName\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Requête invalide", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegistrationIsRefusedWith409OnceClosedAndBeforeItOpens()
    {
        var now = DateTimeOffset.UtcNow;
        var closed = await CreateEventAsync(app, capacity: 3, opens: now.AddDays(-2), closes: now.AddHours(-1));
        var notYetOpen = await CreateEventAsync(app, capacity: 3, opens: now.AddDays(5));
        using var client = app.CreateClient();

        var early = await client.PostAsJsonAsync($"/api/events/{notYetOpen}/registrations", Person(Mail("tot")));
        var late = await client.PostAsJsonAsync($"/api/events/{closed}/registrations", Person(Mail("tard")));

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("closes", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("ouvriront", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHoneypotStoresNothing()
    {
        var eventId = await CreateEventAsync(app, capacity: 1);
        using var client = app.CreateClient();
        var bot = Mail("bot");

        var response = await client.PostAsJsonAsync($"/api/events/{eventId}/registrations", new { firstName = "Bot", lastName = "Bot", email = bot, profession = "autre", organisation = "x", region = "Corse", website = "http://spam.example.org" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(1, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Empty(await EmailsToAsync(app, bot));
    }

    // A form value that is not UTF-8 once percent-decoded is refused naming its field, never stored as
    // U+FFFD; NUL and line breaks in a name are refused in French.
    [Fact]
    public async Task TextThatIsNotUtf8OrHoldsControlCharactersIsRefusedNamingItsField()
    {
        var eventId = await CreateEventAsync(app, capacity: 3);
        using var client = app.CreateClient();
        StringContent Form(string firstName, string organisation) => new(
            $"firstName={firstName}&lastName=Exemple&email={Uri.EscapeDataString(Mail("texte"))}&profession=patient&organisation={organisation}&region=Normandie",
            Encoding.ASCII, "application/x-www-form-urlencoded");

        var latin1 = await client.PostAsync($"/api/events/{eventId}/registrations", Form("Ren%E9", "Cabinet"));
        var nul = await client.PostAsync($"/api/events/{eventId}/registrations", Form("Camille", "Cabinet%00"));
        var crlf = await client.PostAsync($"/api/events/{eventId}/registrations", Form("Camille%0D%0ABcc%3A+x", "Cabinet"));

        Assert.Equal(HttpStatusCode.BadRequest, latin1.StatusCode);
        Assert.Contains("firstName", await latin1.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.True((await nul.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("organisation", out _));
        Assert.Equal(HttpStatusCode.BadRequest, crlf.StatusCode);
        Assert.True((await crlf.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("firstName", out _));
        Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}")).GetProperty("seatsLeft").GetInt32());
    }
}
