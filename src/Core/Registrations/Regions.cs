namespace Microstructures.Core.Registrations;

// The French regions (13 metropolitan, 5 overseas) offered by the registration form.
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
