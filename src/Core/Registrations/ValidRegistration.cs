using System.Text.Json;

namespace Microstructures.Core.Registrations;

// A registration that passed RegistrationRules.Validate: trimmed, its address normalised.
public sealed record ValidRegistration(string FirstName, string LastName, string Email, string Profession, string Organisation, string Region, string? AccessibilityNeeds, bool NewsletterOptIn,
    IReadOnlyDictionary<string, string> Answers)
{
    // The answers to the event's extra questions as stored on the registration row (null: none).
    public string? AnswersJson => Answers.Count == 0 ? null : JsonSerializer.Serialize(Answers);
}
