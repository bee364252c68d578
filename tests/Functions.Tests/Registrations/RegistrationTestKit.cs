using System.Net.Http.Json;
using System.Text.Json;
using Microstructures.Core.Email;

namespace Microstructures.Functions.Tests.Registrations;

// Shared steps of the tests through the worker: an event created through the manage API (its dates
// relative to today: the worker runs on the real clock), registrations through the public API, and the
// e-mails the outbox recorded once the queue functions have handled everything waiting.
internal static class RegistrationTestKit
{
    // Mid-December two years ahead: always in the future, always Paris winter time (UTC+1).
    public static int EventYear { get; } = DateTimeOffset.UtcNow.Year + 2;

    public static DateTimeOffset EventStartsAtUtc => new(EventYear, 12, 15, 7, 30, 0, TimeSpan.Zero);

    private static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);

    // Registrations open since a month, closing a week before the event; or open from `opens`.
    public static Dictionary<string, object> Event(int capacity, DateTimeOffset? opens = null, DateTimeOffset? closes = null) => new()
    {
        ["title"] = "Journée Nationale des Microstructures",
        ["startsAt"] = $"{EventYear}-12-15T08:30",
        ["endsAt"] = $"{EventYear}-12-15T17:30",
        ["venue"] = "Salle ASIEM",
        ["address"] = "6 rue Albert de Lapparent, 75007 Paris",
        ["capacity"] = capacity,
        ["registrationOpensAt"] = Iso(opens ?? DateTimeOffset.UtcNow.AddDays(-30)),
        ["registrationClosesAt"] = closes is { } c ? Iso(c) : $"{EventYear}-12-09T18:00",
        ["contactEmail"] = "contact@example.org",
    };

    public static async Task<string> CreateEventAsync(FunctionsHost app, int capacity, DateTimeOffset? opens = null, DateTimeOffset? closes = null) =>
        await PutEventAsync(app, Event(capacity, opens, closes));

    public static async Task<string> PutEventAsync(FunctionsHost app, Dictionary<string, object> definition)
    {
        var eventId = "jnm-" + Guid.NewGuid().ToString("N")[..10];
        using var staff = app.CreateStaffClient();
        var response = await staff.PutAsJsonAsync($"/api/manage/events/{eventId}", definition);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return eventId;
    }

    // An address of this test only: the tests of a class share one storage account.
    public static string Mail(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}@example.org";

    public static object Person(string email, string firstName = "Camille") => new
    {
        firstName,
        lastName = "Exemple",
        email,
        profession = "medecin-generaliste",
        organisation = "Cabinet du Parc",
        region = "Grand Est",
        accessibilityNeeds = "Accès en fauteuil",
        newsletterOptIn = false,
    };

    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> RegisterAsync(HttpClient client, string eventId, object person)
    {
        var response = await client.PostAsJsonAsync($"/api/events/{eventId}/registrations", person);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body);
    }

    // The e-mails recorded for an address once RelayRegistrationEmails and SendEmail have run.
    public static async Task<List<(EmailRecord Record, EmailMessage Message)>> EmailsToAsync(FunctionsHost app, string address)
    {
        await app.WaitForQueuesAsync();
        return await StoredEmails.ToAsync(app.Services, address);
    }

    public static string PathOf(JsonElement body) => new Uri(body.GetProperty("manageUrl").GetString()!).PathAndQuery;
}
