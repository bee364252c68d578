using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

// One tap on the red button must not give the seat away: the registration's page leads to a second
// step that says what will happen, and only that step's button (a POST) cancels; the cancellation can
// be undone while the seat is still free.
public sealed class CancellationStepsTests(FunctionsHost app) : IClassFixture<FunctionsHost>
{
    private static FormUrlEncodedContent Action(string action) => new([new("action", action)]);

    [Fact]
    public async Task TheFirstButtonOnlyAsksAndTheSecondStepSaysWhatWillHappen()
    {
        var eventId = await CreateEventAsync(app, capacity: 1);
        using var client = app.CreateClient();
        var seated = await RegisterAsync(client, eventId, Person(Mail("deux-temps"), "Lou"));
        await RegisterAsync(client, eventId, Person(Mail("attente"), "Mael"));

        var page = await client.GetStringAsync(PathOf(seated.Body));
        var step = WebUtility.HtmlDecode(await client.GetStringAsync(PathOf(seated.Body) + "&step=annuler"));

        Assert.DoesNotContain("method=\"post\"", page, StringComparison.Ordinal);
        Assert.Contains("step=annuler", page, StringComparison.Ordinal);
        Assert.Contains("Annuler votre inscription", step, StringComparison.Ordinal);
        Assert.Contains("aussitôt attribuée à la personne en liste d'attente", step, StringComparison.Ordinal);
        Assert.Contains("method=\"post\"", step, StringComparison.Ordinal);
        Assert.Contains("Non, garder mon inscription", step, StringComparison.Ordinal);
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(1, summary.GetProperty("waitlisted").GetInt32()); // nothing cancelled by the two GETs
    }

    [Fact]
    public async Task ACancellationIsUndoneWhileTheSeatIsStillFree()
    {
        var eventId = await CreateEventAsync(app, capacity: 2);
        using var client = app.CreateClient();
        var address = Mail("erreur");
        var seated = await RegisterAsync(client, eventId, Person(address, "Nael"));

        var cancelled = await client.PostAsync(PathOf(seated.Body), Action("cancel"));
        var cancelledPage = await cancelled.Content.ReadAsStringAsync();
        var restored = await client.PostAsync(PathOf(seated.Body), Action("undo"));
        var again = await client.PostAsync(PathOf(seated.Body), Action("undo"));

        Assert.Contains("Votre inscription est annulée", cancelledPage, StringComparison.Ordinal);
        Assert.Contains("Revenir sur l'annulation", cancelledPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Contains("Votre annulation est défaite", await restored.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // a second click changes nothing
        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}");
        Assert.Equal(1, summary.GetProperty("seatsLeft").GetInt32());
        var emails = await EmailsToAsync(app, address);
        Assert.Single(emails, e => e.Message.Category == "registration-cancellation");
        Assert.Single(emails, e => e.Message.Category == "registration-restored");
        // The address holds its seat again: registering it again gives no second seat.
        var twice = await RegisterAsync(client, eventId, Person(address, "Nael"));
        Assert.True(twice.Body.GetProperty("alreadyRegistered").GetBoolean());
    }

    [Fact]
    public async Task NoUndoOnceTheSeatWentToTheWaitlist()
    {
        var eventId = await CreateEventAsync(app, capacity: 1);
        using var client = app.CreateClient();
        var seated = await RegisterAsync(client, eventId, Person(Mail("trop-tard"), "Oscar"));
        var next = await RegisterAsync(client, eventId, Person(Mail("suivante"), "Paule"));

        var cancelled = await (await client.PostAsync(PathOf(seated.Body), Action("cancel"))).Content.ReadAsStringAsync();
        var undo = await client.PostAsync(PathOf(seated.Body), Action("undo"));

        Assert.DoesNotContain("Revenir sur l'annulation", cancelled, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, undo.StatusCode);
        Assert.Contains("Retour à votre inscription", await undo.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Votre inscription est <strong>confirmée</strong>", await client.GetStringAsync(PathOf(next.Body)), StringComparison.Ordinal);
    }
}
