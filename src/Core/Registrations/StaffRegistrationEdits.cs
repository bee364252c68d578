using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Common;

namespace Microstructures.Core.Registrations;

// Staff correction on someone's behalf. The seat is untouched; a changed address moves its
// uniqueness row in the same transaction (409 when the new address is registered already).
public sealed class StaffRegistrationEdits(RegistrationStore store, RegistrationViews views, ILogger<StaffRegistrationEdits> logger)
{
    private const int MaxAttempts = 100;

    public async Task<Result<RegistrationView>> EditAsync(string eventId, string registrationId, RegistrationInput? input, CancellationToken cancellationToken = default)
    {
        var evt = EventRules.IsValidEventId(eventId) && RegistrationStore.IsSafeId(registrationId) ? await store.GetEventAsync(eventId, cancellationToken) : null;
        if (evt is null)
        {
            return Result<RegistrationView>.NotFound("Cette inscription n'existe pas.");
        }
        var validation = RegistrationRules.Validate(input, evt.ExtraQuestions);
        if (!validation.IsSuccess)
        {
            return Result<RegistrationView>.Invalid(validation.Errors);
        }
        var valid = validation.Value!;
        for (var attempt = 1; ; attempt++)
        {
            var reg = await store.GetRegistrationAsync(eventId, registrationId, cancellationToken);
            if (reg is null || reg.Status == RegistrationStatus.Cancelled)
            {
                return Result<RegistrationView>.NotFound("Cette inscription n'existe pas ou est annulée.");
            }
            var actions = new List<TableTransactionAction>();
            if (reg.Email != valid.Email)
            {
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(eventId, RegistrationStore.EmailRowKey(reg.Email)), ETag.All));
                actions.Add(new(TableTransactionActionType.Add, RegistrationStore.EmailIndexRow(eventId, valid.Email, registrationId)));
            }
            (reg.FirstName, reg.LastName, reg.Email, reg.Profession, reg.Organisation, reg.Region, reg.AccessibilityNeeds, reg.NewsletterOptIn) =
                (valid.FirstName, valid.LastName, valid.Email, valid.Profession, valid.Organisation, valid.Region, valid.AccessibilityNeeds, valid.NewsletterOptIn);
            reg.AnswersJson = valid.AnswersJson;
            actions.Add(new(TableTransactionActionType.UpdateReplace, reg, reg.ETag));
            try
            {
                await store.SubmitAsync(eventId, actions, cancellationToken);
                logger.LogInformation("Edited {RegistrationId} for {EventId} on the registrant's behalf", registrationId, eventId);
                return await views.GetViewAsync(eventId, registrationId, cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                return Result<RegistrationView>.Conflict("Cette adresse e-mail est déjà inscrite à cet événement.");
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
            }
        }
    }
}
