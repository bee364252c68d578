using Microstructures.Core.Email;
using Microstructures.Core.Storage;

namespace Microstructures.Functions.Tests;

// The e-mails the outbox recorded for an address, read back from storage as the sender would.
public static class StoredEmails
{
    public static async Task<List<(EmailRecord Record, EmailMessage Message)>> ToAsync(PlatformServices services, string address)
    {
        ArgumentNullException.ThrowIfNull(services);
        var table = await services.Get<StorageInitializer>().TableAsync(EmailStore.EmailsTable);
        var store = services.Get<EmailStore>();
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
}
