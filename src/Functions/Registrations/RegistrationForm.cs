using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// The registration fields from a JSON body or a form post (the public page posts a form), read within
// limits before anything is parsed: a registration is small.
public sealed record RegistrationForm(RegistrationInput Input)
{
    public const int MaxBytes = 64 * 1024;

    // The fields of the form and at most five extra questions, with room to spare.
    public const int MaxFields = 40;

    public static async Task<RegistrationForm> ReadAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(MaxBytes, MaxFields, cancellationToken);
            string? Field(string name) => form.TryGetValue(name, out var v) ? v : null;
            return new RegistrationForm(new RegistrationInput
            {
                FirstName = Field("firstName"),
                LastName = Field("lastName"),
                Email = Field("email"),
                Profession = Field("profession"),
                Organisation = Field("organisation"),
                Region = Field("region"),
                AccessibilityNeeds = Field("accessibilityNeeds"),
                NewsletterOptIn = Field("newsletterOptIn") is "on" or "true" or "1",
                Website = Field("website"),
                Answers = form.Keys.Where(k => k.StartsWith("answers.", StringComparison.Ordinal))
                    .ToDictionary(k => k["answers.".Length..], k => (string?)form[k], StringComparer.Ordinal),
            });
        }
        return new RegistrationForm(await request.ReadJsonAsync<RegistrationInput>(MaxBytes, cancellationToken) ?? new RegistrationInput());
    }
}
