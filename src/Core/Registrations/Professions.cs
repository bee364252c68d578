namespace Microstructures.Core.Registrations;

// The professions offered by the registration form.
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
