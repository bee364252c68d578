namespace Microstructures.Core.Registrations;

// What a registration attempt became. Status and WaitlistPosition are set for a new registration only.
public sealed record RegistrationOutcome(RegistrationOutcomeKind Kind, string? RegistrationId, RegistrationStatus? Status, int? WaitlistPosition, string? ManageUrl)
{
    public static RegistrationOutcome Discarded { get; } = new(RegistrationOutcomeKind.Discarded, null, null, null, null);
}
