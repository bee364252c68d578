using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microstructures.Core.Email;
using Microstructures.Core.Registrations;
using Microstructures.Core.Storage;

namespace Microstructures.Functions.Tests.Registrations;

// Shared steps of the service-level tests (no worker): an event and registrations through Core, and
// the e-mails the outbox recorded once the relay messages waiting on registration-emails have been
// handled (what the RelayRegistrationEmails queue function does under the host).
internal static class RegistrationServiceKit
{
    // PlatformServices' clock starts 2026-11-25 09:00 UTC: registrations are open.
    public static EventInput Event(int capacity, string opens = "2026-11-01T09:00") => new(
        "Journée Nationale des Microstructures", "2026-12-15T08:30", "2026-12-15T17:30", "Salle ASIEM",
        "6 rue Albert de Lapparent, 75007 Paris", capacity, opens, "2026-12-09T18:00", "contact@example.org");

    public static async Task<string> CreateEventAsync(PlatformServices services, int capacity)
    {
        var eventId = "jnm-" + Guid.NewGuid().ToString("N")[..10];
        var created = await services.Get<EventCatalogue>().PutEventAsync(eventId, Event(capacity));
        Assert.True(created.IsSuccess, created.Detail);
        return eventId;
    }

    public static RegistrationInput Person(string email, string firstName = "Camille") => new()
    {
        FirstName = firstName,
        LastName = "Exemple",
        Email = email,
        Profession = "medecin-generaliste",
        Organisation = "Cabinet du Parc",
        Region = "Grand Est",
        AccessibilityNeeds = "Accès en fauteuil",
        NewsletterOptIn = false,
    };

    public static async Task<RegistrationOutcome> RegisterAsync(PlatformServices services, string eventId, RegistrationInput person)
    {
        var result = await services.Get<RegistrationService>().RegisterAsync(eventId, person);
        Assert.True(result.IsSuccess, result.Detail);
        return result.Value!;
    }

    public static string TokenOf(RegistrationOutcome outcome) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(outcome.ManageUrl!).Query)["token"].ToString();

    public static async Task<List<(EmailRecord Record, EmailMessage Message)>> EmailsToAsync(PlatformServices services, string address)
    {
        await RelayFirstEmailsAsync(services);
        return await StoredEmails.ToAsync(services, address);
    }

    public static async Task RelayFirstEmailsAsync(PlatformServices services)
    {
        var relay = services.Get<RegistrationEmailRelay>();
        var (queue, messages) = await ReceiveAllAsync(services, RegistrationEmailRelay.QueueName);
        foreach (var message in messages)
        {
            await relay.RelayAsync(RegistrationEmailRelay.Parse(message.Body.ToString())!);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
    }

    public static async Task<HashSet<string>> QueuedEmailIdsAsync(PlatformServices services)
    {
        var (_, messages) = await ReceiveAllAsync(services, EmailOutbox.QueueName);
        return messages.Select(m => EmailOutbox.ParseQueueMessage(m.Body.ToString())!.EmailId).ToHashSet(StringComparer.Ordinal);
    }

    // Every visible message of a queue, received (invisible for five minutes, not deleted).
    private static async Task<(QueueClient Queue, List<QueueMessage> Messages)> ReceiveAllAsync(PlatformServices services, string queueName)
    {
        var queue = await services.Get<StorageInitializer>().QueueAsync(queueName);
        var messages = new List<QueueMessage>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch)
        {
            messages.AddRange(batch);
        }
        return (queue, messages);
    }
}
