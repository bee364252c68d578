namespace Microstructures.Core.Registrations;

// What a registration attempt became. Id, status, waitlist position and manage link are set for a new
// registration only: an address registered already is answered with that fact alone (whoever typed it
// may not own it), its details go to its mailbox.
public sealed record RegistrationOutcome(RegistrationOutcomeKind Kind, string? RegistrationId, RegistrationStatus? Status, int? WaitlistPosition, string? ManageUrl)
{
    public const string AlreadyRegisteredMessage =
        "Cette adresse est déjà inscrite à cet événement. Nous vous avons renvoyé l'e-mail de votre inscription, avec le lien pour la consulter ou l'annuler (au plus un envoi par heure).";

    public static RegistrationOutcome Discarded { get; } = new(RegistrationOutcomeKind.Discarded, null, null, null, null);

    public static RegistrationOutcome AlreadyRegistered { get; } = new(RegistrationOutcomeKind.AlreadyRegistered, null, null, null, null);
}
