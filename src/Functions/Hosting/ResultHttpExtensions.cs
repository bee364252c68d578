using Microstructures.Core.Common;

namespace Microstructures.Functions.Hosting;

// The one place a Core Result becomes an HTTP answer: problem+json in French for everything but success.
public static class ResultHttpExtensions
{
    public static IResult ToHttp<T>(this Result<T> result, Func<T, IResult>? onSuccess = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Kind switch
        {
            ResultKind.Success => onSuccess is null ? TypedResults.Ok(result.Value) : onSuccess(result.Value!),
            ResultKind.Invalid => Invalid(result.Errors),
            ResultKind.NotFound => TypedResults.Problem(title: "Introuvable", detail: result.Detail, statusCode: StatusCodes.Status404NotFound),
            ResultKind.TooManyRequests => new RetryAfterResult(
                TypedResults.Problem(title: "Trop de demandes", detail: result.Detail, statusCode: StatusCodes.Status429TooManyRequests), result.RetryAfter ?? TimeSpan.FromMinutes(1)),
            _ => TypedResults.Problem(title: "Action impossible", detail: result.Detail, statusCode: StatusCodes.Status409Conflict),
        };
    }

    // A 400 naming each field and what is wrong with it, for input refused before any Core call.
    public static IResult Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal), title: "Certains champs sont à corriger");
}
