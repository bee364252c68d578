using Azure;
using Azure.Data.Tables;
using Microstructures.Core.Common;

namespace Microstructures.Core.Registrations;

// What the public form and the API send (JSON with these names, or a form post). Website is the
// honeypot: hidden from people, filled by bots.
public sealed record RegistrationInput
{
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Email { get; init; }
    public string? Profession { get; init; }
    public string? Organisation { get; init; }
    public string? Region { get; init; }
    public string? AccessibilityNeeds { get; init; }
    public bool NewsletterOptIn { get; init; }
    public string? Website { get; init; }

    // Answers to the event's extra questions, by question id.
    public IReadOnlyDictionary<string, string?>? Answers { get; init; }
}

public sealed record ValidRegistration(string FirstName, string LastName, string Email, string Profession, string Organisation, string Region, string? AccessibilityNeeds, bool NewsletterOptIn,
    IReadOnlyDictionary<string, string> Answers);

public static class RegistrationRules
{
    // The form's text area carries the same limit (maxlength).
    public const int MaxAccessibilityNeedsLength = 1000;

    // Messages a person reads next to the field, in the form's order.
    public static Result<ValidRegistration> Validate(RegistrationInput? input, IReadOnlyList<ExtraQuestion>? questions = null)
    {
        input ??= new RegistrationInput();
        var errors = new ValidationErrors();
        var firstName = Name(errors, "firstName", input.FirstName, "votre prénom");
        var lastName = Name(errors, "lastName", input.LastName, "votre nom");
        var email = input.Email?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            errors.Add("email", "Indiquez votre adresse e-mail.");
        }
        else if (!EmailAddresses.IsValid(email))
        {
            errors.Add("email", "Indiquez une adresse e-mail valide, par exemple prenom.nom@example.org.");
        }
        if (!Professions.IsKnown(input.Profession))
        {
            errors.Add("profession", "Choisissez votre profession dans la liste.");
        }
        var organisation = input.Organisation?.Trim();
        if (string.IsNullOrEmpty(organisation))
        {
            errors.Add("organisation", "Indiquez votre structure (cabinet, réseau, association, institution…).");
        }
        else if (organisation.Length > 200)
        {
            errors.Add("organisation", "Le nom de la structure ne doit pas dépasser 200 caractères.");
        }
        if (!Regions.IsKnown(input.Region))
        {
            errors.Add("region", "Choisissez votre région dans la liste.");
        }
        var needs = input.AccessibilityNeeds?.Trim();
        if (needs is { Length: > MaxAccessibilityNeedsLength })
        {
            errors.Add("accessibilityNeeds", "Décrivez vos besoins d'accessibilité en 1 000 caractères au plus.");
        }
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var question in questions ?? [])
        {
            var answer = input.Answers?.GetValueOrDefault(question.Id)?.Trim();
            if (question.Required && string.IsNullOrEmpty(answer))
            {
                errors.Add(AnswerField(question.Id), $"Répondez à la question « {question.Label} ».");
            }
            else if (answer is { Length: > 1000 })
            {
                errors.Add(AnswerField(question.Id), "Répondez en 1 000 caractères au plus.");
            }
            else if (!string.IsNullOrEmpty(answer))
            {
                answers[question.Id] = answer;
            }
        }
        if (!errors.IsEmpty)
        {
            return errors;
        }
        return Result<ValidRegistration>.Success(new ValidRegistration(firstName!, lastName!, EmailAddresses.Normalize(email!), input.Profession!, organisation!, input.Region!,
            string.IsNullOrEmpty(needs) ? null : needs, input.NewsletterOptIn, answers));
    }

    // The field name of an extra question, in errors and in the form.
    public static string AnswerField(string questionId) => "answers." + questionId;

    private static string? Name(ValidationErrors errors, string field, string? value, string what)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(field, $"Indiquez {what}.");
            return null;
        }
        if (text.Length > 100 || text.Any(char.IsControl) || text.IndexOfAny(['<', '>', '@']) >= 0)
        {
            errors.Add(field, $"Indiquez {what} en 100 caractères au plus, sans caractères spéciaux (< > @).");
            return null;
        }
        return text;
    }
}

public sealed class RegistrationEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string EventId => PartitionKey;
    public string RegistrationId { get; set; } = "";
    public string Status { get; set; } = RegistrationStatus.Confirmed;
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string Email { get; set; } = "";
    public string Profession { get; set; } = "";
    public string Organisation { get; set; } = "";
    public string Region { get; set; } = "";
    public string? AccessibilityNeeds { get; set; }
    public bool NewsletterOptIn { get; set; }
    public string? AnswersJson { get; set; }

    // "public" (the form or API) or "staff" (registered on someone's behalf).
    public string Source { get; set; } = "public";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public DateTimeOffset? CheckedInAt { get; set; }

    // Place in the first-come-first-served waitlist (null when never waitlisted).
    public long? WaitSequence { get; set; }

    // The status the registration was committed with: what its first e-mail says (confirmation or
    // waitlist acknowledgement), whatever happened since. Set by the committing transaction.
    public string? FirstStatus { get; set; }

    // When RegistrationEmailRelay recorded and queued that first e-mail (null: not yet).
    public DateTimeOffset? FirstEmailRelayedAt { get; set; }
}

public enum RegistrationOutcomeKind
{
    Created,
    AlreadyRegistered,

    // The honeypot was filled: nothing stored, the bot is told nothing.
    Discarded,
}

public sealed record RegistrationOutcome(RegistrationOutcomeKind Kind, string? RegistrationId, string Status, int? WaitlistPosition, string? ManageUrl)
{
    public static RegistrationOutcome Discarded { get; } = new(RegistrationOutcomeKind.Discarded, null, "Received", null, null);
}
