using Microstructures.Core.Newsletter;

namespace Microstructures.Functions.Newsletter;

// The model of SubscribePage: what was typed, the errors of a refused request, or the answer once sent.
public sealed record SubscribeForm(SubscriptionInput Input, IReadOnlyDictionary<string, string[]>? Errors = null, bool Sent = false)
{
    public static SubscribeForm Empty { get; } = new(new SubscriptionInput(null, false));

    public bool HasErrors => Errors is { Count: > 0 };

    public string? Error(string field) => Errors is not null && Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
