namespace Microstructures.Core.Common;

public enum ResultKind
{
    Success,
    Invalid,
    NotFound,
    Conflict,

    // Refused by an abuse limit: RetryAfter says how long to wait.
    TooManyRequests,
}

// What a use case answers; the Functions layer maps it to TypedResults and ProblemDetails in one place.
public sealed class Result<T>
{
    private Result(ResultKind kind, T? value, IReadOnlyDictionary<string, string[]>? errors, string? detail, TimeSpan? retryAfter = null)
    {
        Kind = kind;
        Value = value;
        Errors = errors ?? new Dictionary<string, string[]>();
        Detail = detail;
        RetryAfter = retryAfter;
    }

    public ResultKind Kind { get; }
    public T? Value { get; }
    public IReadOnlyDictionary<string, string[]> Errors { get; }
    public string? Detail { get; }
    public TimeSpan? RetryAfter { get; }
    public bool IsSuccess => Kind == ResultKind.Success;

    public static Result<T> Success(T value) => new(ResultKind.Success, value, null, null);
    public static Result<T> Invalid(IReadOnlyDictionary<string, string[]> errors) => new(ResultKind.Invalid, default, errors, null);
    public static Result<T> NotFound(string detail) => new(ResultKind.NotFound, default, null, detail);
    public static Result<T> Conflict(string detail) => new(ResultKind.Conflict, default, null, detail);
    public static Result<T> TooManyRequests(string detail, TimeSpan retryAfter) => new(ResultKind.TooManyRequests, default, null, detail, retryAfter);

    public static implicit operator Result<T>(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return Invalid(errors.ToDictionary());
    }
}

// Collects field errors in the order they are found; messages are the ones a person reads.
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }
        list.Add(message);
        return this;
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
