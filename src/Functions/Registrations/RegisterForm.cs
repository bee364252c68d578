using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// The model of RegisterFormPage: the event, what was typed, and the errors of a refused submission.
public sealed record RegisterForm(EventSummary Event, RegistrationInput Input, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public bool HasErrors => Errors is { Count: > 0 };

    public bool IsOpen => Event.RegistrationState is not (RegistrationState.Closed or RegistrationState.NotOpenYet);

    public string? Error(string field) => Errors is not null && Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
