namespace Microstructures.Core.Newsletter;

// The exact texts people agree to, by version. A subscriber's row records the version and the text
// of the consent in force. Change a text: add a new version, never edit one in place.
public static class ConsentTexts
{
    // Shown beside the subscription form's checkbox (the page must show this constant).
    public const string FormVersion = "formulaire-2026-01";
    public const string FormText =
        "J'accepte de recevoir la lettre d'information mensuelle de la CNRMS à cette adresse. Je peux me désabonner à tout moment avec le lien présent dans chaque e-mail.";

    // The registration form's optional box (Registrations pages), confirmed by the same double opt-in.
    public const string RegistrationVersion = "inscription-2026-01";
    public const string RegistrationText = "Je souhaite recevoir la lettre d'information mensuelle de la CNRMS (facultatif).";

    public static string? Text(string? version) => version switch
    {
        FormVersion => FormText,
        RegistrationVersion => RegistrationText,
        _ => null,
    };
}
