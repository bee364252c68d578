using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Email;
using Microstructures.Core.Registrations;
using Microstructures.Core.Storage;

namespace Microstructures.Functions.Tests.Registrations;

// Shared steps: an event created through the manage API, registrations through the public API,
// and the e-mails the outbox recorded (read back from storage, as the sender would).
internal static class RegistrationTestKit
{
    // The factory's clock starts 2026-11-25 09:00 UTC: registrations are open.
    public static object Event(int capacity, string opens = "2026-11-01T09:00") => new
    {
        title = "Journée Nationale des Microstructures",
        startsAt = "2026-12-15T08:30",
        endsAt = "2026-12-15T17:30",
        venue = "Salle ASIEM",
        address = "6 rue Albert de Lapparent, 75007 Paris",
        capacity,
        registrationOpensAt = opens,
        registrationClosesAt = "2026-12-09T18:00",
        contactEmail = "contact@example.org",
    };

    public static async Task<string> CreateEventAsync(FunctionAppFactory factory, int capacity, string opens = "2026-11-01T09:00")
    {
        var eventId = "jnm-" + Guid.NewGuid().ToString("N")[..10];
        using var staff = factory.CreateStaffClient();
        var response = await staff.PutAsJsonAsync($"/api/manage/events/{eventId}", Event(capacity, opens));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return eventId;
    }

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

    // The e-mails recorded for an address, once the relay messages waiting on registration-emails have
    // been handled (what the RelayRegistrationEmails queue function does under the host).
    public static async Task<List<(EmailRecord Record, EmailMessage Message)>> EmailsToAsync(FunctionAppFactory factory, string address)
    {
        await RelayFirstEmailsAsync(factory);
        var storage = factory.Services.GetRequiredService<StorageInitializer>();
        var store = factory.Services.GetRequiredService<EmailStore>();
        var table = await storage.TableAsync(EmailStore.EmailsTable);
        var found = new List<(EmailRecord, EmailMessage)>();
        await foreach (var record in table.QueryAsync<EmailRecord>())
        {
            var message = await store.ReadMessageAsync(record);
            if (message.To == address)
            {
                found.Add((record, message));
            }
        }
        return found;
    }

    public static async Task RelayFirstEmailsAsync(FunctionAppFactory factory)
    {
        var relay = factory.Services.GetRequiredService<RegistrationEmailRelay>();
        var (queue, messages) = await ReceiveAllAsync(factory, RegistrationEmailRelay.QueueName);
        foreach (var message in messages)
        {
            await relay.RelayAsync(RegistrationEmailRelay.Parse(message.Body.ToString())!);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
    }

    public static async Task<HashSet<string>> QueuedEmailIdsAsync(FunctionAppFactory factory)
    {
        var (_, messages) = await ReceiveAllAsync(factory, EmailOutbox.QueueName);
        return messages.Select(m => EmailOutbox.ParseQueueMessage(m.Body.ToString())!.EmailId).ToHashSet(StringComparer.Ordinal);
    }

    // Every visible message of a queue, received (invisible for five minutes, not deleted).
    private static async Task<(QueueClient Queue, List<QueueMessage> Messages)> ReceiveAllAsync(FunctionAppFactory factory, string queueName)
    {
        var queue = await factory.Services.GetRequiredService<StorageInitializer>().QueueAsync(queueName);
        var messages = new List<QueueMessage>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch)
        {
            messages.AddRange(batch);
        }
        return (queue, messages);
    }

    public static string PathOf(JsonElement body) => new Uri(body.GetProperty("manageUrl").GetString()!).PathAndQuery;
}
