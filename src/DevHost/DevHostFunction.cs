namespace Microstructures.DevHost;

// A function the worker indexed and the DevHost loaded (disabled functions are not listed).
// Trigger is "http", "queue" or "timer"; Route (with Methods, null for any), Queue or Schedule go with it.
public sealed record DevHostFunction(string Name, string Trigger, string? Route, IReadOnlyList<string>? Methods, string? Queue, string? Schedule);
