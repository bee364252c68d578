using System.Text.Json;
using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// The registration fields from a JSON body or a form post (the public page posts a form).
public sealed record RegistrationForm(RegistrationInput Input)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<RegistrationForm> ReadAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            string? Field(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;
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
                    .ToDictionary(k => k["answers.".Length..], k => (string?)form[k].ToString(), StringComparer.Ordinal),
            });
        }
        // Buffered (a registration is small): a chunked body has no Content-Length but may still hold JSON.
        if (request.ContentLength > 64 * 1024)
        {
            throw new BadHttpRequestException("Le corps de la requête est trop volumineux.", StatusCodes.Status413PayloadTooLarge);
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0)
        {
            return new RegistrationForm(new RegistrationInput());
        }
        if (buffer.Length > 64 * 1024)
        {
            throw new BadHttpRequestException("Le corps de la requête est trop volumineux.", StatusCodes.Status413PayloadTooLarge);
        }
        buffer.Position = 0;
        try
        {
            return new RegistrationForm(await JsonSerializer.DeserializeAsync<RegistrationInput>(buffer, Json, cancellationToken) ?? new RegistrationInput());
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException("Le corps de la requête n'est pas un JSON d'inscription valide : " + ex.Message, StatusCodes.Status400BadRequest, ex);
        }
    }
}
