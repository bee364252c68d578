using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microstructures.TestSupport;
using static Microstructures.Functions.Tests.Registrations.RegistrationTestKit;

namespace Microstructures.Functions.Tests.Registrations;

public sealed class StaffRegistrationTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task StaffListSearchCountAndExportRegistrationsForFrenchExcel()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        using var client = factory.CreateClient();
        using var staff = factory.CreateStaffClient();
        await RegisterAsync(client, eventId, Person("hélène@example.org", "Hélène"));
        await RegisterAsync(client, eventId, Person("jules@example.org", "Jules"));

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
        Assert.Contains(lines, l => l.StartsWith("confirmé;Hélène;Exemple;hélène@example.org;Médecin généraliste", StringComparison.Ordinal));
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task TheStaffRegisterSomeoneWhoPhonedAndCancelOnTheirBehalf()
    {
        await using var factory = new FunctionAppFactory(azurite);
        var eventId = await CreateEventAsync(factory, capacity: 1);
        using var client = factory.CreateClient();
        using var staff = factory.CreateStaffClient();

        var phoned = await staff.PostAsJsonAsync($"/api/manage/events/{eventId}/registrations", Person("telephone@example.org"));
        var waiting = await RegisterAsync(client, eventId, Person("attente@example.org"));
        var id = (await phoned.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("registrationId").GetString();
        var cancelled = await staff.PostAsync($"/api/manage/events/{eventId}/registrations/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.Created, phoned.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, waiting.Status);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Contains(await EmailsToAsync(factory, "attente@example.org"), e => e.Message.Category == "registration-promotion");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/manage/events/{eventId}/registrations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/manage/events/{eventId}/registrations.csv")).StatusCode);
    }
}
