namespace Microstructures.Core.Privacy;

// The French refusals of the privacy rules, in one place for review.
public static class PrivacyMessages
{
    public static string IdentifyingData(string fieldLabel, IdentifyingDataKind kind) =>
        $"Le champ « {fieldLabel} » contient ce qui ressemble à {Describe(kind)} : les données identifiantes d'un patient sont refusées, rien n'a été enregistré.";

    public static string Describe(IdentifyingDataKind kind) => kind switch
    {
        IdentifyingDataKind.EmailAddress => "une adresse e-mail",
        IdentifyingDataKind.PhoneNumber => "un numéro de téléphone",
        _ => "un numéro de sécurité sociale",
    };

    public const string PseudonymMissing = "Indiquez le pseudonyme du patient : de 3 à 24 caractères parmi les lettres A à Z, les chiffres et le tiret.";

    public static string PseudonymLength(int min, int max) => $"Le pseudonyme doit compter de {min} à {max} caractères.";

    public const string PseudonymCharacters = "Le pseudonyme ne peut contenir que des lettres sans accent (A à Z), des chiffres et des tirets.";

    public const string PseudonymLetterAndDigit = "Le pseudonyme doit contenir au moins une lettre et au moins un chiffre.";

    public const string PseudonymDate = "Le pseudonyme ressemble à une date : n'y mettez ni date de naissance ni aucune autre date.";

    public const string PseudonymSocialSecurityNumber = "Le pseudonyme ressemble à un numéro de sécurité sociale : choisissez un pseudonyme sans lien avec l'identité du patient.";

    public const string PseudonymPhone = "Le pseudonyme ressemble à un numéro de téléphone : choisissez un pseudonyme sans lien avec l'identité du patient.";
}
