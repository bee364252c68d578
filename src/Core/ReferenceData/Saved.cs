namespace Microstructures.Core.ReferenceData;

// What a create-or-update wrote (the CSV import counts them).
public sealed record Saved<T>(T Value, SaveOutcome Outcome);
