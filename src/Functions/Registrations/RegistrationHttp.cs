using System.Text.Json;
using Microstructures.Core.Common;
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

public static class RegistrationHttp
{
    // The caller's address as the platform knows it: the host's proxy replaces X-Forwarded-For with
    // its peer's address and the worker's forwarded-headers middleware turns it into RemoteIpAddress.
    // Never a header the caller writes.
    public static string? ClientIp(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HttpContext.Connection.RemoteIpAddress?.ToString();
    }

    public static IResult TooManyRequests() => TypedResults.Problem(
        title: "Trop de demandes",
        detail: "Trop de tentatives d'inscription en peu de temps. Patientez quelques minutes puis réessayez.",
        statusCode: StatusCodes.Status429TooManyRequests);

    // The one place a Core result becomes an HTTP answer for this feature.
    public static IResult Map<T>(Result<T> result, Func<T, IResult> success)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(success);
        return result.Kind switch
        {
            ResultKind.Success => success(result.Value!),
            ResultKind.Invalid => TypedResults.ValidationProblem(result.Errors, title: "Certains champs sont à corriger"),
            ResultKind.NotFound => TypedResults.Problem(title: "Introuvable", detail: result.Detail, statusCode: StatusCodes.Status404NotFound),
            _ => TypedResults.Problem(title: "Action impossible", detail: result.Detail, statusCode: StatusCodes.Status409Conflict),
        };
    }

    public static IResult RegistrationAnswer(RegistrationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var body = new { registrationId = outcome.RegistrationId, status = outcome.Status, waitlistPosition = outcome.WaitlistPosition, alreadyRegistered = outcome.Kind == RegistrationOutcomeKind.AlreadyRegistered, manageUrl = outcome.ManageUrl };
        return outcome.Status == RegistrationStatus.Confirmed
            ? TypedResults.Json(body, statusCode: StatusCodes.Status201Created)
            : TypedResults.Json(body, statusCode: StatusCodes.Status202Accepted);
    }
}
