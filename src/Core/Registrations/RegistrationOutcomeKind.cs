namespace Microstructures.Core.Registrations;

public enum RegistrationOutcomeKind
{
    Created,
    AlreadyRegistered,

    // The honeypot was filled: nothing stored, the bot is told nothing.
    Discarded,
}
