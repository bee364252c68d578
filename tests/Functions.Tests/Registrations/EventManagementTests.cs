using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

public sealed class EventManagementTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    [Fact]
    public async Task ThePublicSummaryShowsTheEventAndItsSeatsLeft()
    {
        var eventId = await CreateEventAsync(app, capacity: 120);
        using var client = app.CreateClient();

        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");

        Assert.Equal("Journée Nationale des Microstructures", summary.GetProperty("title").GetString());
        Assert.Equal(120, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Equal("open", summary.GetProperty("registrationState").GetString());
        // Written as Paris local time (winter: UTC+1).
        Assert.Equal(EventStartsAtUtc, summary.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/events/inconnu-2023")).StatusCode);
    }

    [Fact]
    public async Task EditingAnEventNeedsTheStaffKey()
    {
        using var client = app.CreateClient();

        var response = await client.PutAsJsonAsync("/api/manage/events/jnm-sans-cle", Event(10));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/events/jnm-sans-cle")).StatusCode);
    }

    [Fact]
    public async Task AnInvalidEventNamesEachFieldAndIsNotSaved()
    {
        using var staff = app.CreateStaffClient();

        var response = await staff.PutAsJsonAsync("/api/manage/events/jnm-invalide", new { title = "", startsAt = "demain", endsAt = "2026-12-15T08:00", venue = "", address = "", capacity = 0, registrationOpensAt = "x", registrationClosesAt = "", contactEmail = "non" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "title", "startsAt", "venue", "address", "capacity", "registrationOpensAt", "registrationClosesAt", "contactEmail" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field + " is not named");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/manage/events/jnm-invalide")).StatusCode);
    }

    // Year 1 overflowed into a 500; 9999 was saved and then broke every e-mail sweep.
    [Fact]
    public async Task DatesBeyondTheDocumentedRangeAreA400NamingTheField()
    {
        using var staff = app.CreateStaffClient();
        var definition = Event(10);
        definition["startsAt"] = "0001-01-01T00:00";
        definition["registrationClosesAt"] = "9999-12-31T23:00";

        var response = await staff.PutAsJsonAsync("/api/manage/events/jnm-dates-hors-bornes", definition);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("1990", errors.GetProperty("startsAt")[0].GetString(), StringComparison.Ordinal);
        Assert.True(errors.TryGetProperty("registrationClosesAt", out _));
    }

    [Fact]
    public async Task CapacityCannotDropBelowTheConfirmedCountButRaisingItPromotesTheWaitlist()
    {
        var eventId = await CreateEventAsync(app, capacity: 2);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();
        var addresses = Enumerable.Range(1, 4).Select(i => Mail($"capacite{i}")).ToList();
        for (var i = 1; i <= 4; i++)
        {
            await RegisterAsync(client, eventId, Person(addresses[i - 1]));
        }

        var lowered = await staff.PutAsJsonAsync($"/api/manage/events/{eventId}", Event(1));
        var raised = await staff.PutAsJsonAsync($"/api/manage/events/{eventId}", Event(3));

        Assert.Equal(HttpStatusCode.Conflict, lowered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        var summary = await raised.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, summary.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(1, summary.GetProperty("waitlisted").GetInt32());
        Assert.Contains(await EmailsToAsync(app, addresses[2]), e => e.Message.Category == "registration-promotion");
        Assert.DoesNotContain(await EmailsToAsync(app, addresses[3]), e => e.Message.Category == "registration-promotion");
    }

    [Fact]
    public async Task TheFormQrCodeIsAPngOfThePublicAddress()
    {
        using var client = app.CreateClient();

        var response = await client.GetAsync("/api/events/jnm-2023/qr");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, (await response.Content.ReadAsByteArrayAsync())[..4]);
    }

    [Fact]
    public async Task TheStaffEventsPageIsInTheStaffNavigationAndItsDataNeedsTheKey()
    {
        var eventId = await CreateEventAsync(app, capacity: 5);
        using var client = app.CreateClient();
        using var staff = app.CreateStaffClient();

        var page = await client.GetStringAsync("/api/manage/events");
        var list = await staff.GetFromJsonAsync<JsonElement>("/api/manage/event-list");

        Assert.Contains("href=\"/api/manage/events\" aria-current=\"page\">", page, StringComparison.Ordinal);
        Assert.DoesNotContain(eventId, page, StringComparison.Ordinal);
        Assert.Contains(list.EnumerateArray(), e => e.GetProperty("eventId").GetString() == eventId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/manage/event-list")).StatusCode);
    }

    [Fact]
    public async Task AnEventsOwnQuestionIsAskedOnTheFormRequiredWhenSaidAndExported()
    {
        using var staff = app.CreateStaffClient();
        using var client = app.CreateClient();
        var eventId = "jnm-questions-" + Guid.NewGuid().ToString("N")[..6];
        var definition = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(Event(10)))!.AsObject();
        definition["extraQuestions"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["id"] = "atelier", ["label"] = "Atelier de l'après-midi", ["required"] = true });
        var badDefinition = System.Text.Json.Nodes.JsonNode.Parse(definition.ToJsonString())!.AsObject();
        badDefinition["extraQuestions"]![0]!["id"] = "Atelier choisi";

        var refused = await staff.PutAsJsonAsync($"/api/manage/events/{eventId}", badDefinition);
        (await staff.PutAsJsonAsync($"/api/manage/events/{eventId}", definition)).EnsureSuccessStatusCode();
        var form = await client.GetStringAsync($"/api/events/{eventId}/register");
        var unanswered = await client.PostAsJsonAsync($"/api/events/{eventId}/registrations", Person(Mail("question")));
        var posted = await client.PostAsync($"/api/events/{eventId}/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["firstName"] = "Inès", ["lastName"] = "Exemple", ["email"] = Mail("ines"), ["profession"] = "travailleur-social",
            ["organisation"] = "Association Exemple", ["region"] = "Bretagne", ["answers.atelier"] = "Atelier B", ["website"] = "",
        }));
        var csv = System.Text.Encoding.UTF8.GetString(await staff.GetByteArrayAsync($"/api/manage/events/{eventId}/registrations.csv"));

        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("extraQuestions[0].id", out _));
        Assert.Contains("<label for=\"answers.atelier\">", form, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unanswered.StatusCode);
        Assert.True((await unanswered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("answers.atelier", out _));
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.Contains("Votre inscription est <strong>confirmée</strong>", await client.GetStringAsync(posted.Headers.Location), StringComparison.Ordinal);
        Assert.Contains("Atelier de l'après-midi", csv.Split("\r\n")[0], StringComparison.Ordinal);
        Assert.EndsWith(";Atelier B", csv.Split("\r\n")[1], StringComparison.Ordinal);
    }
}
