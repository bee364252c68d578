namespace Microstructures.Core.Registrations;

// What the public form and the API send (JSON with these names, or a form post). Website is the
// honeypot: hidden from people, filled by bots.
public sealed record RegistrationInput
{
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Email { get; init; }
    public string? Profession { get; init; }
    public string? Organisation { get; init; }
    public string? Region { get; init; }
    public string? AccessibilityNeeds { get; init; }
    public bool NewsletterOptIn { get; init; }
    public string? Website { get; init; }

    // Answers to the event's extra questions, by question id.
    public IReadOnlyDictionary<string, string?>? Answers { get; init; }
}
