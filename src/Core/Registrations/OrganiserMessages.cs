using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Registrations;

public sealed record OrganiserMessageInput(string? Subject, string? Body, string? Audience);

public sealed record OrganiserMessageReport(string MessageId, int Recipients, int AlreadySent);

// A message from the organisers (venue change, practical update) to every confirmed registrant
// ("confirmed") or to confirmed and waitlisted ("all"). The message id is a hash of its content,
// and each e-mail id is "msg-<messageId>-<registrationId>": sending the same message twice (a
// double click, a retried request) e-mails nobody twice.
public sealed class OrganiserMessages(RegistrationStore store, RegistrationEmails emails, EmailOutbox outbox, EmailStore emailStore, ILogger<OrganiserMessages> logger)
{
    // The staff form's fields carry the same limits (maxlength).
    public const int MaxSubjectLength = 150;
    public const int MaxBodyLength = 5000;

    public async Task<Result<OrganiserMessageReport>> SendAsync(string eventId, OrganiserMessageInput? input, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationErrors();
        var subject = input?.Subject?.Trim();
        var body = input?.Body is null ? null : TextFields.NormalizeLineBreaks(input.Body).Trim();
        var audience = input?.Audience ?? "confirmed";
        if (string.IsNullOrEmpty(subject) || subject.Length > MaxSubjectLength)
        {
            errors.Add("subject", "Indiquez un objet de 150 caractères au plus.");
        }
        else
        {
            TextFields.CheckSingleLine(errors, "subject", subject, "l'objet");
        }
        if (string.IsNullOrEmpty(body) || body.Length > MaxBodyLength)
        {
            errors.Add("body", "Indiquez le message (5 000 caractères au plus).");
        }
        else
        {
            TextFields.CheckMultiLine(errors, "body", body, "le message");
        }
        if (audience is not ("confirmed" or "all"))
        {
            errors.Add("audience", "Choisissez les destinataires : « confirmed » (places confirmées) ou « all » (avec la liste d'attente).");
        }
        if (!errors.IsEmpty)
        {
            return errors;
        }
        var evt = EventRules.IsValidEventId(eventId) ? await store.GetEventAsync(eventId, cancellationToken) : null;
        if (evt is null)
        {
            return Result<OrganiserMessageReport>.NotFound("Cet événement n'existe pas.");
        }
        var messageId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{eventId}\n{audience}\n{subject}\n{body}")))[..16];
        var ids = new List<string>();
        var already = 0;
        foreach (var reg in await store.ListRegistrationsAsync(eventId, cancellationToken))
        {
            if (reg.Status == RegistrationStatus.Cancelled || (audience == "confirmed" && reg.Status != RegistrationStatus.Confirmed))
            {
                continue;
            }
            var emailId = $"msg-{messageId}-{reg.RegistrationId}";
            if (await emailStore.GetAsync(emailId, cancellationToken) is not null)
            {
                already++;
                continue;
            }
            ids.Add(await outbox.PrepareAsync(emails.OrganiserMessage(evt, reg, subject!, body!), emailId: emailId, cancellationToken: cancellationToken));
        }
        await outbox.DispatchAsync(ids, cancellationToken);
        logger.LogInformation("Organiser message {MessageId} for {EventId}: {Count} e-mails", messageId, eventId, ids.Count);
        return Result<OrganiserMessageReport>.Success(new OrganiserMessageReport(messageId, ids.Count, already));
    }
}
