using Microstructures.Core.Common;

namespace Microstructures.Core.ReferenceData;

// Validated, normalised values ready to store (no ETag, no closing date: those belong to the store).
public sealed record RegionValues(string Id, string Name);

public sealed record NetworkValues(
    string Id, string Name, string CarryingAssociation, string RegionId,
    string AdministrativeCoordinatorEmail, string MedicalCoordinatorEmail);

public sealed record MicrostructureValues(
    string Id, string NetworkId, string Name, string Town, string Postcode, string PracticeType,
    IReadOnlyList<string> ContactEmails, string OpenedOn);

public sealed record TeamValues(int Gps, int Psychologists, int SocialWorkers, int Psychiatrists);

// The rules and the French messages of the org tree, in one place: the API, the pages and the CSV
// import all go through them.
public static class OrgTreeValidation
{
    public const int MaxNameLength = 120;
    public const int MaxContactEmails = 10;
    public const int MaxTeamMembers = 200;

    public static (RegionValues? Values, ValidationErrors Errors) Region(RegionInput input, string? routeId = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();
        var name = Text(input.Name, "name", "le nom de la région", errors);
        var id = Id(routeId ?? input.Id, name, "id", errors);
        return (errors.IsEmpty ? new RegionValues(id!, name!) : null, errors);
    }

    public static (NetworkValues? Values, ValidationErrors Errors) Network(NetworkInput input, string? routeId = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();
        var name = Text(input.Name, "name", "le nom du réseau", errors);
        var association = Text(input.CarryingAssociation, "carryingAssociation", "l'association porteuse", errors);
        var regionId = Reference(input.RegionId, "regionId", "la région (identifiant, par exemple grand-est)", errors);
        var admin = Email(input.AdministrativeCoordinatorEmail, "administrativeCoordinatorEmail", "du coordinateur administratif", errors);
        var medical = Email(input.MedicalCoordinatorEmail, "medicalCoordinatorEmail", "du coordinateur médical", errors);
        var id = Id(routeId ?? input.Id, name, "id", errors);
        return (errors.IsEmpty ? new NetworkValues(id!, name!, association!, regionId!, admin!, medical!) : null, errors);
    }

    public static (MicrostructureValues? Values, ValidationErrors Errors) Microstructure(MicrostructureInput input, string? routeId = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();
        var name = Text(input.Name, "name", "le nom de la microstructure", errors);
        var networkId = Reference(input.NetworkId, "networkId", "le réseau (identifiant, par exemple rms-alsace)", errors);
        var town = Text(input.Town, "town", "la commune", errors);
        var postcode = input.Postcode?.Trim();
        if (!OrgDates.IsPostcode(postcode))
        {
            errors.Add("postcode", "Indiquez un code postal de 5 chiffres, par exemple 67000.");
        }
        var practiceType = input.PracticeType?.Trim().ToLowerInvariant();
        if (!PracticeTypes.IsValid(practiceType))
        {
            errors.Add("practiceType", "Indiquez le type d'exercice : « cabinet » (cabinet de médecine générale) ou « msp » (maison de santé pluriprofessionnelle).");
        }
        var emails = (input.ContactEmails ?? []).Select(e => e?.Trim() ?? "").Where(e => e.Length > 0).ToList();
        if (emails.Count == 0)
        {
            errors.Add("contactEmails", "Indiquez au moins une adresse e-mail professionnelle de contact.");
        }
        else if (emails.Count > MaxContactEmails)
        {
            errors.Add("contactEmails", $"Indiquez au plus {MaxContactEmails} adresses e-mail de contact.");
        }
        foreach (var bad in emails.Where(e => !EmailAddresses.IsValid(e)))
        {
            errors.Add("contactEmails", $"« {bad} » n'est pas une adresse e-mail valide (par exemple accueil@example.org).");
        }
        string? openedOn = null;
        if (!OrgDates.TryParse(input.OpenedOn, out var opened) || !PlatformDates.IsInRange(opened))
        {
            errors.Add("openedOn", $"Indiquez la date d'ouverture au format AAAA-MM-JJ, {PlatformDates.RangeText}, par exemple 2021-01-15.");
        }
        else
        {
            openedOn = OrgDates.ToText(opened);
        }
        var id = Id(routeId ?? input.Id, name, "id", errors);
        return (errors.IsEmpty
            ? new MicrostructureValues(id!, networkId!, name!, town!, postcode!, practiceType!,
                emails.Select(EmailAddresses.Normalize).Distinct(StringComparer.Ordinal).ToList(), openedOn!)
            : null, errors);
    }

    public static (TeamValues? Values, ValidationErrors Errors) Team(TeamInput input, int year, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();
        var currentYear = OrgDates.Today(time).Year;
        if (year < 2006 || year > currentYear + 1)
        {
            errors.Add("year", $"Indiquez une année entre 2006 et {currentYear + 1}.");
        }
        var gps = Count(input.Gps, "gps", "de médecins généralistes", errors);
        var psychologists = Count(input.Psychologists, "psychologists", "de psychologues", errors);
        var socialWorkers = Count(input.SocialWorkers, "socialWorkers", "de travailleurs sociaux", errors);
        var psychiatrists = Count(input.Psychiatrists, "psychiatrists", "de psychiatres", errors);
        return (errors.IsEmpty ? new TeamValues(gps, psychologists, socialWorkers, psychiatrists) : null, errors);
    }

    public static (DateOnly? Date, ValidationErrors Errors) ClosedOn(CloseInput? input, string openedOrMin, TimeProvider time)
    {
        var errors = new ValidationErrors();
        var date = OrgDates.Today(time);
        if (!string.IsNullOrWhiteSpace(input?.ClosedOn) && (!OrgDates.TryParse(input.ClosedOn, out date) || !PlatformDates.IsInRange(date)))
        {
            errors.Add("closedOn", $"Indiquez la date de fermeture au format AAAA-MM-JJ, {PlatformDates.RangeText}, par exemple 2024-12-31.");
            return (null, errors);
        }
        if (OrgDates.TryParse(openedOrMin, out var opened) && date < opened)
        {
            errors.Add("closedOn", "La date de fermeture ne peut pas précéder la date d'ouverture.");
            return (null, errors);
        }
        return (date, errors);
    }

    private static string? Text(string? value, string field, string what, ValidationErrors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(field, $"Indiquez {what}.");
            return null;
        }
        if (text.Length > MaxNameLength)
        {
            errors.Add(field, $"{Capitalize(what)} ne doit pas dépasser {MaxNameLength} caractères.");
            return null;
        }
        return TextFields.CheckSingleLine(errors, field, text, what) ? text : null;
    }

    private static string? Reference(string? value, string field, string what, ValidationErrors errors)
    {
        var text = value?.Trim();
        if (!Slugs.IsValid(text))
        {
            errors.Add(field, $"Indiquez {what}.");
            return null;
        }
        return text;
    }

    private static string? Id(string? given, string? name, string field, ValidationErrors errors)
    {
        var id = string.IsNullOrWhiteSpace(given) ? (name is null ? null : Slugs.FromName(name)) : given.Trim();
        if (id is null)
        {
            return null;
        }
        if (!Slugs.IsValid(id))
        {
            errors.Add(field, $"L'identifiant « {id} » doit faire de 2 à {Slugs.MaxLength} caractères : lettres minuscules sans accent, chiffres et tirets (par exemple rms-alsace).");
            return null;
        }
        return id;
    }

    private static string? Email(string? value, string field, string whose, ValidationErrors errors)
    {
        var text = value?.Trim();
        if (!EmailAddresses.IsValid(text))
        {
            errors.Add(field, $"Indiquez l'adresse e-mail professionnelle {whose}, par exemple coordination@example.org.");
            return null;
        }
        return EmailAddresses.Normalize(text!);
    }

    private static int Count(int? value, string field, string what, ValidationErrors errors)
    {
        if (value is null or < 0 or > MaxTeamMembers)
        {
            errors.Add(field, $"Indiquez le nombre {what} (entre 0 et {MaxTeamMembers}).");
            return 0;
        }
        return value.Value;
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
