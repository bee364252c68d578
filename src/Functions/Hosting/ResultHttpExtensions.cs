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
            ResultKind.Invalid => TypedResults.ValidationProblem(result.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
                title: "Requête invalide", detail: "Corrigez les champs signalés."),
            ResultKind.NotFound => TypedResults.Problem(title: "Introuvable", detail: result.Detail, statusCode: StatusCodes.Status404NotFound),
            _ => TypedResults.Problem(title: "Conflit", detail: result.Detail, statusCode: StatusCodes.Status409Conflict),
        };
    }
}
