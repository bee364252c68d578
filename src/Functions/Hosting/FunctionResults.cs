namespace Microstructures.Functions.Hosting;

// What a non-HTTP function answers. The host needs a 2xx with this JSON object: an empty or null
// body never completes the invocation. Outputs stay empty: we write to storage with the SDK clients
// (and a string output that happens to be valid base64 would be decoded to bytes by the host).
public sealed record InvocationResponse(IReadOnlyDictionary<string, object?> Outputs, IReadOnlyList<string> Logs, object? ReturnValue);

public static class FunctionResults
{
    // PascalCase, exactly as the host's contract spells it.
    private static readonly System.Text.Json.JsonSerializerOptions Json = new() { PropertyNamingPolicy = null };

    public static IResult Completed(params string[] logs) =>
        TypedResults.Json(new InvocationResponse(new Dictionary<string, object?>(), logs, null), Json, statusCode: StatusCodes.Status200OK);
}
