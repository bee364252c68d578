using System.Globalization;
using System.Text.RegularExpressions;
using Microstructures.Core.Common;

namespace Microstructures.Core.Registrations;

// The rules of an event definition and the French messages naming each field.
public static partial class EventRules
{
    public static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public const int MaxExtraQuestions = 5;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,62}$")]
    private static partial Regex EventIdPattern();

    [GeneratedRegex("^[a-z][a-zA-Z0-9]{0,30}$")]
    private static partial Regex QuestionIdPattern();

    public static bool IsValidEventId(string? eventId) => eventId is not null && EventIdPattern().IsMatch(eventId);

    public static Result<ValidEvent> Validate(string eventId, EventInput? input)
    {
        var errors = new ValidationErrors();
        if (!IsValidEventId(eventId))
        {
            errors.Add("eventId", "L'identifiant de l'événement doit faire 3 à 63 caractères : lettres minuscules, chiffres et tirets (ex. journee-nationale-2023).");
        }
        input ??= new EventInput(null, null, null, null, null, null, null, null, null);
        var title = Text(errors, "title", input.Title, 200, "le titre");
        var venue = Text(errors, "venue", input.Venue, 200, "le lieu");
        var address = Text(errors, "address", input.Address, 300, "l'adresse");
        var startsAt = Date(errors, "startsAt", input.StartsAt, "la date et l'heure de début");
        var endsAt = Date(errors, "endsAt", input.EndsAt, "la date et l'heure de fin");
        var opensAt = Date(errors, "registrationOpensAt", input.RegistrationOpensAt, "l'ouverture des inscriptions");
        var closesAt = Date(errors, "registrationClosesAt", input.RegistrationClosesAt, "la clôture des inscriptions");
        if (input.Capacity is not { } capacity || capacity < 1 || capacity > 100_000)
        {
            errors.Add("capacity", "Indiquez le nombre de places, entre 1 et 100 000.");
        }
        var contact = input.ContactEmail?.Trim();
        if (!EmailAddresses.IsValid(contact))
        {
            errors.Add("contactEmail", "Indiquez l'adresse e-mail de contact des organisateurs, par exemple contact@example.org.");
        }
        if (startsAt is not null && endsAt is not null && endsAt <= startsAt)
        {
            errors.Add("endsAt", "La fin doit être après le début.");
        }
        if (opensAt is not null && closesAt is not null && closesAt <= opensAt)
        {
            errors.Add("registrationClosesAt", "La clôture des inscriptions doit être après leur ouverture.");
        }
        if (closesAt is not null && endsAt is not null && closesAt > endsAt)
        {
            errors.Add("registrationClosesAt", "Les inscriptions doivent être closes au plus tard à la fin de l'événement.");
        }
        var questions = input.ExtraQuestions ?? [];
        if (questions.Count > MaxExtraQuestions)
        {
            errors.Add("extraQuestions", $"Au plus {MaxExtraQuestions} questions supplémentaires.");
        }
        for (var i = 0; i < questions.Count; i++)
        {
            var q = questions[i];
            if (q is null || !QuestionIdPattern().IsMatch(q.Id ?? "") || questions.Take(i).Any(o => o?.Id == q.Id))
            {
                errors.Add($"extraQuestions[{i}].id", "Identifiant de question : une lettre minuscule puis lettres et chiffres (31 au plus), unique dans l'événement.");
            }
            if (string.IsNullOrWhiteSpace(q?.Label) || q.Label.Trim().Length > 200)
            {
                errors.Add($"extraQuestions[{i}].label", "Intitulé de la question : obligatoire, 200 caractères au plus.");
            }
            else
            {
                TextFields.CheckSingleLine(errors, $"extraQuestions[{i}].label", q.Label.Trim(), "l'intitulé de la question");
            }
        }
        if (!errors.IsEmpty)
        {
            return errors;
        }
        return Result<ValidEvent>.Success(new ValidEvent(title!, startsAt!.Value, endsAt!.Value, venue!, address!, input.Capacity!.Value, opensAt!.Value, closesAt!.Value, contact!,
            questions.Select(q => q with { Label = q.Label.Trim() }).ToList()));
    }

    public static string FormatParis(DateTimeOffset at, string format = "dddd d MMMM yyyy 'à' HH'h'mm") =>
        TimeZoneInfo.ConvertTime(at, Paris).ToString(format, CultureInfo.GetCultureInfo("fr-FR"));

    private static string? Text(ValidationErrors errors, string field, string? value, int max, string what)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(field, $"Indiquez {what}.");
            return null;
        }
        if (text.Length > max)
        {
            errors.Add(field, $"{char.ToUpperInvariant(what[0])}{what[1..]} ne doit pas dépasser {max} caractères.");
            return null;
        }
        return TextFields.CheckSingleLine(errors, field, text, what) ? text : null;
    }

    private static DateTimeOffset? Date(ValidationErrors errors, string field, string? value, string what)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || !DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            || (parsed.Kind != DateTimeKind.Unspecified && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _)))
        {
            errors.Add(field, $"Indiquez {what} au format 2023-11-28T09:15 (heure de Paris) ou avec décalage (2023-11-28T09:15:00+01:00).");
            return null;
        }
        // Checked before any offset is applied: near year 1 or 9999 the arithmetic itself overflows.
        if (!PlatformDates.IsInRange(parsed))
        {
            errors.Add(field, $"Indiquez {what} {PlatformDates.RangeText}.");
            return null;
        }
        return parsed.Kind == DateTimeKind.Unspecified
            ? new DateTimeOffset(parsed, Paris.GetUtcOffset(parsed))
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
    }
}
