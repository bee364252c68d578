using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

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

    public static IResult RegistrationAnswer(RegistrationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var body = new { registrationId = outcome.RegistrationId, status = outcome.Status?.ToString() ?? "Received", waitlistPosition = outcome.WaitlistPosition, alreadyRegistered = outcome.Kind == RegistrationOutcomeKind.AlreadyRegistered, manageUrl = outcome.ManageUrl };
        return outcome.Status == RegistrationStatus.Confirmed
            ? TypedResults.Json(body, statusCode: StatusCodes.Status201Created)
            : TypedResults.Json(body, statusCode: StatusCodes.Status202Accepted);
    }
}
