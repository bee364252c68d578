namespace Microstructures.Core.Registrations;

// An option of a fixed list of the form: the code is stored and exported, the label is shown.
public sealed record Choice(string Code, string Label);
