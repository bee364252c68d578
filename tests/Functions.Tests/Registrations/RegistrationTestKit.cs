using System.Net.Http.Json;
using System.Text.Json;
using Microstructures.Core.Common;
using Microstructures.Core.Email;
using Microstructures.Core.Registrations;
using Microstructures.Core.Storage;

namespace Microstructures.Functions.Tests.Registrations;

// Shared steps of the tests through the worker: an event created through the manage API (its dates
// relative to today: the worker runs on the real clock), registrations through the public API, and the
// e-mails the app owes an address once the queue functions have recorded and sent them.
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

    // The e-mails the app owes an address, once it has recorded and sent them all: the first e-mail of
    // each of the address's registrations relayed (RelayRegistrationEmails flags the row when it has
    // recorded and queued it) and every e-mail whose business write committed settled by SendEmail. Not
    // "the queues are empty": a relay message naming a registration that never committed (a repeated
    // address, a refused request) waits minutes between its attempts before it gives up. An e-mail whose
    // business write never committed (an attempt that lost a race) is left out: it is never sent.
    public static async Task<List<(EmailRecord Record, EmailMessage Message)>> EmailsToAsync(FunctionsHost app, string address)
    {
        var store = app.Services.Get<EmailStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var unrelayed = await UnrelayedRegistrationsAsync(app, address);
            var owed = new List<(EmailRecord Record, EmailMessage Message)>();
            foreach (var email in await StoredEmails.ToAsync(app.Services, address))
            {
                if (await store.MarkerExistsAsync(email.Record))
                {
                    owed.Add(email);
                }
            }
            var unsettled = owed.Count(e => !EmailStatus.IsSettled(e.Record.Status));
            if (unrelayed == 0 && unsettled == 0)
            {
                return owed;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"E-mails to {address}: {unrelayed} registrations not relayed, {unsettled} e-mails not sent after 30 s.");
            }
            await Task.Delay(100);
        }
    }

    private static async Task<int> UnrelayedRegistrationsAsync(FunctionsHost app, string address)
    {
        var table = await app.Services.Get<StorageInitializer>().TableAsync(RegistrationStore.TableName);
        var email = EmailAddresses.Normalize(address);
        var unrelayed = 0;
        await foreach (var reg in table.QueryAsync<RegistrationEntity>(r => r.Email == email))
        {
            if (reg.FirstStatus is not null && reg.FirstEmailRelayedAt is null)
            {
                unrelayed++;
            }
        }
        return unrelayed;
    }

    public static string PathOf(JsonElement body) => new Uri(body.GetProperty("manageUrl").GetString()!).PathAndQuery;
}
