namespace Microstructures.Core.Registrations;

// An event definition that passed EventRules.Validate.
public sealed record ValidEvent(string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Venue, string Address, int Capacity,
    DateTimeOffset RegistrationOpensAt, DateTimeOffset RegistrationClosesAt, string ContactEmail, IReadOnlyList<ExtraQuestion> ExtraQuestions);
