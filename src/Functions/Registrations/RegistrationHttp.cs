using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

public static class RegistrationHttp
{
    public static IResult RegistrationAnswer(RegistrationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var body = new { registrationId = outcome.RegistrationId, status = outcome.Status?.ToString() ?? "Received", waitlistPosition = outcome.WaitlistPosition, alreadyRegistered = outcome.Kind == RegistrationOutcomeKind.AlreadyRegistered, manageUrl = outcome.ManageUrl };
        return outcome.Status == RegistrationStatus.Confirmed
            ? TypedResults.Json(body, statusCode: StatusCodes.Status201Created)
            : TypedResults.Json(body, statusCode: StatusCodes.Status202Accepted);
    }
}
