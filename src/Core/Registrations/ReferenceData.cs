namespace Microstructures.Core.Registrations;

public sealed record Choice(string Code, string Label);

// Fixed lists offered by the registration form; codes are stored and exported, labels are shown.
public static class Professions
{
    public static IReadOnlyList<Choice> All { get; } =
    [
        new("medecin-generaliste", "Médecin généraliste"),
        new("psychologue", "Psychologue"),
        new("travailleur-social", "Travailleur·se social·e"),
        new("psychiatre", "Psychiatre"),
        new("coordination", "Coordinateur·rice"),
        new("institution", "Institution / ARS"),
        new("patient", "Patient·e ou usager·e"),
        new("autre", "Autre"),
    ];

    public static bool IsKnown(string? code) => All.Any(c => c.Code == code);

    public static string Label(string? code) => All.FirstOrDefault(c => c.Code == code)?.Label ?? code ?? "";
}

// The French regions (13 metropolitan, 5 overseas), until the org tree (issue 3) provides them as data.
public static class Regions
{
    public const string Abroad = "Hors de France";

    public static IReadOnlyList<string> All { get; } =
    [
        "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse",
        "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie",
        "Pays de la Loire", "Provence-Alpes-Côte d'Azur",
        "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte",
        Abroad,
    ];

    public static bool IsKnown(string? name) => name is not null && All.Contains(name, StringComparer.Ordinal);
}

public static class RegistrationStatus
{
    public const string Confirmed = "Confirmed";
    public const string Waitlisted = "Waitlisted";
    public const string Cancelled = "Cancelled";
}
