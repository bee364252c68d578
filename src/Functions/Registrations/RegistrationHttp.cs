using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

public static class RegistrationHttp
{
    // 201 confirmed, 202 waitlisted (with id, position and manage link: people see at once where they
    // stand); 200 for an address registered already, saying that and nothing else.
    public static IResult RegistrationAnswer(RegistrationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Kind == RegistrationOutcomeKind.AlreadyRegistered)
        {
            return TypedResults.Ok(new { alreadyRegistered = true, message = RegistrationOutcome.AlreadyRegisteredMessage });
        }
        var body = new { registrationId = outcome.RegistrationId, status = outcome.Status?.ToString() ?? "Received", waitlistPosition = outcome.WaitlistPosition, alreadyRegistered = false, manageUrl = outcome.ManageUrl };
        return outcome.Status == RegistrationStatus.Confirmed
            ? TypedResults.Json(body, statusCode: StatusCodes.Status201Created)
            : TypedResults.Json(body, statusCode: StatusCodes.Status202Accepted);
    }
}
