namespace Microstructures.Core.Registrations;

// An organiser's own question on the form (e.g. "Atelier choisi l'après-midi"). Never for health
// data: the accessibility-needs field is the one place for that, and it is purged first.
public sealed record ExtraQuestion(string Id, string Label, bool Required = false);
