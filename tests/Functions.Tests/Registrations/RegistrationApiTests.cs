using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ical.Net;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Email;
using Microstructures.TestSupport;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

public sealed class RegistrationApiTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task FortySimultaneousRegistrationsForFiveSeatsConfirmExactlyFiveAndWaitlistTheRestInOrder()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 5);
        using var client = factory.CreateClient();

        var results = await Task.WhenAll(Enumerable.Range(1, 40).Select(i => RegisterAsync(client, eventId, Person($"personne{i}@example.org"))));

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
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 50);
        using var client = factory.CreateClient();

        var results = await Task.WhenAll(Enumerable.Range(1, 120).Select(i => RegisterAsync(client, eventId, Person($"groupe{i}@example.org"))));

        Assert.Equal(50, results.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(70, results.Count(r => r.Status == HttpStatusCode.Accepted));
        Assert.All(results, r => Assert.False(r.Body.GetProperty("alreadyRegistered").GetBoolean()));
        Assert.Equal(120, results.Select(r => r.Body.GetProperty("registrationId").GetString()).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 70), results.Where(r => r.Status == HttpStatusCode.Accepted).Select(r => r.Body.GetProperty("waitlistPosition").GetInt32()).Order());
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(0, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(70, summary.GetProperty("waitlisted").GetInt32());

        // The same ten addresses again, at once: answered with their registrations, no count moves.
        var again = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => RegisterAsync(client, eventId, Person($"groupe{i}@example.org"))));
        for (var i = 0; i < 10; i++)
        {
            Assert.True(again[i].Body.GetProperty("alreadyRegistered").GetBoolean());
            Assert.Equal(results[i].Status, again[i].Status);
            Assert.Equal(results[i].Body.GetProperty("registrationId").GetString(), again[i].Body.GetProperty("registrationId").GetString());
        }
        summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(0, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(70, summary.GetProperty("waitlisted").GetInt32());
    }

    [Fact]
    public async Task TwoInstancesRegisteringAtOnceNeverOverbookBecauseTheCounterIsETagChecked()
    {
        // Two app instances share nothing but storage: their in-process queues do not see each other,
        // so only the ETag on the event row keeps the count right.
        await using var one = new FunctionAppFactory(azurite);
        await using var two = one.SecondInstance();
        var eventId = await CreateEventAsync(one, capacity: 5);
        using var clientOne = one.CreateClient();
        using var clientTwo = two.CreateClient();

        var results = await Task.WhenAll(Enumerable.Range(1, 30).Select(i =>
            RegisterAsync(i % 2 == 0 ? clientOne : clientTwo, eventId, Person($"instance{i}@example.org"))));

        Assert.Equal(5, results.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(25, results.Count(r => r.Status == HttpStatusCode.Accepted));
        Assert.Equal(Enumerable.Range(1, 25), results.Where(r => r.Status == HttpStatusCode.Accepted).Select(r => r.Body.GetProperty("waitlistPosition").GetInt32()).Order());
    }

    [Fact]
    public async Task CancellationsAndRegistrationsRacingOnTwoInstancesKeepTheSeatsFullAndPromoteInArrivalOrder()
    {
        await using var one = new FunctionAppFactory(azurite);
        await using var two = one.SecondInstance();
        var eventId = await CreateEventAsync(one, capacity: 3);
        using var clientOne = one.CreateClient();
        using var clientTwo = two.CreateClient();
        var seated = new List<JsonElement>();
        var waiting = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            seated.Add((await RegisterAsync(clientOne, eventId, Person($"assis{i}@example.org"))).Body);
        }
        for (var i = 1; i <= 5; i++)
        {
            waiting.Add((await RegisterAsync(clientOne, eventId, Person($"attente{i}@example.org"))).Body.GetProperty("registrationId").GetString()!);
        }

        var cancels = seated.Select((s, i) => (i % 2 == 0 ? clientOne : clientTwo).PostAsync(PathOf(s), null));
        var newcomers = Enumerable.Range(1, 4).Select(i => RegisterAsync(i % 2 == 0 ? clientOne : clientTwo, eventId, Person($"nouveau{i}@example.org")));
        await Task.WhenAll(cancels.Cast<Task>().Concat(newcomers));

        using var staff = one.CreateStaffClient();
        var rows = (await staff.GetFromJsonAsync<JsonElement>($"/api/manage/events/{eventId}/registrations")).EnumerateArray().ToList();
        var confirmed = rows.Where(r => r.GetProperty("status").GetString() == "Confirmed").Select(r => r.GetProperty("registrationId").GetString()).ToList();
        Assert.Equal(3, confirmed.Count);
        Assert.Equal(waiting.Take(3).Order(), confirmed.Order());
        var summary = await clientTwo.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(0, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(6, summary.GetProperty("waitlisted").GetInt32());
        Assert.Equal(6, rows.Count(r => r.GetProperty("status").GetString() == "Waitlisted"));
    }

    [Fact]
    public async Task RegisteringTwiceWithTheSameAddressTakesNoSecondSeatAndSendsTheConfirmationAgain()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 2);
        using var client = factory.CreateClient();

        var first = await RegisterAsync(client, eventId, Person("dominique@example.org"));
        var second = await RegisterAsync(client, eventId, Person("Dominique@Example.org"));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Equal(first.Body.GetProperty("registrationId").GetString(), second.Body.GetProperty("registrationId").GetString());
        Assert.True(second.Body.GetProperty("alreadyRegistered").GetBoolean());
        // Whoever typed the address may not own it: the manage link only goes to the mailbox.
        Assert.Equal(JsonValueKind.Null, second.Body.GetProperty("manageUrl").ValueKind);
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(1, summary.GetProperty("seatsLeft").GetInt32());
        var emails = await EmailsToAsync(factory, "dominique@example.org");
        Assert.Equal(2, emails.Count(e => e.Message.Category == "registration-confirmation"));
    }

    [Fact]
    public async Task TheFormNeverOpensSomeoneElsesRegistrationForWhoeverTypesTheirAddress()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 2);
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        FormUrlEncodedContent Form() => new(new Dictionary<string, string>
        {
            ["firstName"] = "Louise", ["lastName"] = "Exemple", ["email"] = "louise@example.org", ["profession"] = "patient",
            ["organisation"] = "Association Exemple", ["region"] = "Normandie",
        });

        var owner = await client.PostAsync($"/api/events/{eventId}/register", Form());
        var stranger = await client.PostAsync($"/api/events/{eventId}/register", Form());

        // The owner's answer page is the registration itself, and its script puts the manage link in the
        // address bar (no redirect: the Functions host would follow it); the stranger's holds no link.
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.Null(owner.Headers.Location);
        var ownerPage = await owner.Content.ReadAsStringAsync();
        Assert.Contains("Votre inscription est <strong>confirmée</strong>", ownerPage, StringComparison.Ordinal);
        Assert.Matches($"history\\.replaceState\\(null, \"\", \"/api/events/{eventId}/registrations/[0-9a-f]{{32}}/manage\\?token=", ownerPage);
        Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);
        Assert.Null(stranger.Headers.Location);
        var page = await stranger.Content.ReadAsStringAsync();
        Assert.Contains("est déjà inscrite à cet événement", page, StringComparison.Ordinal);
        Assert.DoesNotContain("token=", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConfirmationEmailCarriesTheCalendarInvitationTheQrCodeAndTheManageLinkButNoHealthData()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 5);
        using var client = factory.CreateClient();

        var registered = await RegisterAsync(client, eventId, Person("alex@example.org", "Alex"));

        var (record, message) = Assert.Single(await EmailsToAsync(factory, "alex@example.org"));
        Assert.Contains(record.EmailId, await QueuedEmailIdsAsync(factory));
        Assert.Equal("registration-confirmation", message.Category);
        Assert.Contains("Inscription confirmée", message.Subject, StringComparison.Ordinal);
        Assert.Contains(registered.Body.GetProperty("manageUrl").GetString()!.Replace("&", "&amp;", StringComparison.Ordinal), message.Html, StringComparison.Ordinal);
        Assert.StartsWith("https://evenements.example.org/api/events/", registered.Body.GetProperty("manageUrl").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("fauteuil", message.Html, StringComparison.OrdinalIgnoreCase);
        var ics = Assert.Single(message.Attachments, a => a.FileName == "invitation.ics");
        var calendar = Calendar.Load(Encoding.UTF8.GetString(ics.Content))!;
        var evt = Assert.Single(calendar.Events);
        Assert.Equal(new DateTime(2026, 12, 15, 7, 30, 0, DateTimeKind.Utc), evt.Start!.AsUtc);
        Assert.Contains("Salle ASIEM", evt.Location, StringComparison.Ordinal);
        var qr = Assert.Single(message.Attachments, a => a.ContentType == "image/png");
        Assert.Equal("qr-checkin", qr.ContentId);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, qr.Content[..4]);
    }

    [Fact]
    public async Task CancellingThroughTheLinkPageFreesTheSeatAndPromotesWaitlistPositionOne()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        using var client = factory.CreateClient();
        var seated = await RegisterAsync(client, eventId, Person("claude@example.org", "Claude"));
        var first = await RegisterAsync(client, eventId, Person("sacha@example.org", "Sacha"));
        var second = await RegisterAsync(client, eventId, Person("noa@example.org", "Noa"));
        Assert.Equal(1, first.Body.GetProperty("waitlistPosition").GetInt32());

        var page = await client.GetStringAsync(PathOf(seated.Body));
        Assert.Contains("Annuler mon inscription", page, StringComparison.Ordinal);
        Assert.Contains("confirmée", page, StringComparison.Ordinal);
        var cancelled = await client.PostAsync(PathOf(seated.Body), null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Contains("Votre inscription est annulée", await cancelled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Votre inscription est <strong>confirmée</strong>", await client.GetStringAsync(PathOf(first.Body)), StringComparison.Ordinal);
        Assert.Contains("en position 1", await client.GetStringAsync(PathOf(second.Body)), StringComparison.Ordinal);
        var promotion = Assert.Single(await EmailsToAsync(factory, "sacha@example.org"), e => e.Message.Category == "registration-promotion");
        Assert.Contains(promotion.Record.EmailId, await QueuedEmailIdsAsync(factory));
        Assert.Contains(await EmailsToAsync(factory, "claude@example.org"), e => e.Message.Category == "registration-cancellation");
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(0, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(1, summary.GetProperty("waitlisted").GetInt32());
    }

    [Fact]
    public async Task LeavingTheWaitlistWhileSeatsAreFreeAfterAnInterruptedCapacityRaisePromotesTheNextPerson()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        using var client = factory.CreateClient();
        await RegisterAsync(client, eventId, Person("premiere@example.org"));
        var leaving = await RegisterAsync(client, eventId, Person("partante@example.org"));
        var next = await RegisterAsync(client, eventId, Person("suivante@example.org"));
        // The capacity raise was saved but the process stopped before promoting anyone.
        var store = factory.Services.GetRequiredService<Microstructures.Core.Registrations.RegistrationStore>();
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
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        using var client = factory.CreateClient();
        var seated = await RegisterAsync(client, eventId, Person("eden@example.org"));
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
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 3);
        using var client = factory.CreateClient();

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

    [Fact]
    public async Task MalformedJsonIsA400NotA500()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 3);
        using var client = factory.CreateClient();

        var response = await client.PostAsync($"/api/events/{eventId}/registrations", new StringContent("{\"firstName\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task RegistrationIsRefusedWith409OnceClosedAndBeforeItOpens()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var open = await CreateEventAsync(factory, capacity: 3);
        var notYetOpen = await CreateEventAsync(factory, capacity: 3, opens: "2026-12-01T09:00");
        using var client = factory.CreateClient();

        var early = await client.PostAsJsonAsync($"/api/events/{notYetOpen}/registrations", Person("tot@example.org"));
        factory.Time.Advance(TimeSpan.FromDays(20));
        var closed = await client.PostAsJsonAsync($"/api/events/{open}/registrations", Person("tard@example.org"));

        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
        Assert.Contains("closes", await closed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("ouvriront", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegistrationsClosedOnAnotherInstanceAreRefusedAtOnceThoughThisInstanceRemembersThemOpen()
    {
        await using var one = new FunctionAppFactory(azurite);
        await using var two = one.SecondInstance();
        var eventId = await CreateEventAsync(one, capacity: 3);
        using var client = one.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(client, eventId, Person("avant@example.org"))).Status);

        // Instance two closes registrations; instance one still has the event (and its row) in memory.
        var closing = JsonSerializer.SerializeToElement(Event(capacity: 3));
        var closed = closing.EnumerateObject().ToDictionary(p => p.Name, p => p.Name == "registrationClosesAt" ? JsonSerializer.SerializeToElement("2026-11-25T08:00") : p.Value);
        using var staff = two.CreateStaffClient();
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/manage/events/{eventId}", closed)).StatusCode);
        var late = await RegisterAsync(client, eventId, Person("apres@example.org"));

        Assert.Equal(HttpStatusCode.Conflict, late.Status);
        Assert.Contains("closes", late.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, (await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}")).GetProperty("seatsLeft").GetInt32());
    }

    [Fact]
    public async Task TheHoneypotStoresNothing()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync($"/api/events/{eventId}/registrations", new { firstName = "Bot", lastName = "Bot", email = "bot@example.org", profession = "autre", organisation = "x", region = "Corse", website = "http://spam.example.org" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(1, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Empty(await EmailsToAsync(factory, "bot@example.org"));
    }

    [Fact]
    public async Task TooManyAttemptsFromOneAddressAreAnswered429()
    {
        await using var factory = new FunctionAppFactory(azurite, new Dictionary<string, string?> { ["Registrations:MaxPerEmailPerHour"] = "2" });
        var eventId = await CreateEventAsync(factory, capacity: 5);
        using var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await RegisterAsync(client, eventId, Person("insistant@example.org"))).Status);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }
}
