using System.Text.Json.Serialization;

namespace Microstructures.Core.Forfaits;

[JsonConverter(typeof(JsonStringEnumConverter<ClosureReason>))]
public enum ClosureReason
{
    EndOfFollowUp,
    Moved,
    Referred,
    LostToFollowUp,
    Declined,
    Deceased,
    EnteredInError,
    Other,
}

// The closed list of reasons to end a follow-up: API codes and the French labels people read.
public static class ClosureReasons
{
    public static readonly IReadOnlyList<(ClosureReason Reason, string Code, string Label)> All =
    [
        (ClosureReason.EndOfFollowUp, "end-of-follow-up", "Fin du suivi : objectifs atteints"),
        (ClosureReason.Moved, "moved", "Déménagement du patient"),
        (ClosureReason.Referred, "referred", "Orientation vers une autre structure"),
        (ClosureReason.LostToFollowUp, "lost-to-follow-up", "Patient perdu de vue"),
        (ClosureReason.Declined, "declined", "Le patient ne souhaite pas poursuivre"),
        (ClosureReason.Deceased, "deceased", "Décès"),
        (ClosureReason.EnteredInError, "entered-in-error", "Inclusion enregistrée par erreur"),
        (ClosureReason.Other, "other", "Autre motif"),
    ];

    public static string Code(ClosureReason reason) => All.First(r => r.Reason == reason).Code;

    public static string Label(ClosureReason reason) => All.First(r => r.Reason == reason).Label;

    public static bool TryParse(string? code, out ClosureReason reason)
    {
        var match = All.FirstOrDefault(r => string.Equals(r.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase));
        reason = match.Reason;
        return match.Code is not null;
    }

    public static string Choices => string.Join(", ", All.Select(r => $"{r.Code} ({r.Label})"));
}
