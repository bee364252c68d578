using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// The model of RegisterFormPage: the event, what was typed, and the errors of a refused submission, or
// the refusal of the whole attempt (too many attempts: the true wait), the form kept as typed.
public sealed record RegisterForm(EventSummary Event, RegistrationInput Input, IReadOnlyDictionary<string, string[]>? Errors = null, string? Refusal = null)
{
    public bool HasErrors => Errors is { Count: > 0 };

    public bool IsRefused => HasErrors || Refusal is not null;

    public bool IsOpen => Event.RegistrationState is not (RegistrationState.Closed or RegistrationState.NotOpenYet);

    public string? Error(string field) => Errors is not null && Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
