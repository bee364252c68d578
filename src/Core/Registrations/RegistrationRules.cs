using Microstructures.Core.Common;

namespace Microstructures.Core.Registrations;

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
        else
        {
            TextFields.CheckSingleLine(errors, "organisation", organisation, "le nom de la structure");
        }
        if (!Regions.IsKnown(input.Region))
        {
            errors.Add("region", "Choisissez votre région dans la liste.");
        }
        var needs = input.AccessibilityNeeds is null ? null : TextFields.NormalizeLineBreaks(input.AccessibilityNeeds).Trim();
        if (needs is { Length: > MaxAccessibilityNeedsLength })
        {
            errors.Add("accessibilityNeeds", "Décrivez vos besoins d'accessibilité en 1 000 caractères au plus.");
        }
        else
        {
            TextFields.CheckMultiLine(errors, "accessibilityNeeds", needs, "vos besoins d'accessibilité");
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
            else if (!string.IsNullOrEmpty(answer) && TextFields.CheckSingleLine(errors, AnswerField(question.Id), answer, "votre réponse"))
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
        if (!TextFields.CheckSingleLine(errors, field, text, what))
        {
            return null;
        }
        if (text.Length > 100 || text.IndexOfAny(['<', '>', '@']) >= 0)
        {
            errors.Add(field, $"Indiquez {what} en 100 caractères au plus, sans caractères spéciaux (< > @).");
            return null;
        }
        return text;
    }
}
