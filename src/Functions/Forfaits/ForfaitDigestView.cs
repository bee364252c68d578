using Microstructures.Core.Forfaits;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Forfaits;

// The model of ForfaitDigestPage: what the e-mail announced (always), the forfaits with their
// pseudonyms (only after the button was pressed: Lines null before), and what the last action did.
public sealed record ForfaitDigestView(DigestOverview Overview, string Token, IReadOnlyList<DigestLine>? Lines = null, Notice? Outcome = null)
{
    public string Title => Overview.Kind == DigestKind.Microstructure ? "Forfaits à renouveler" : "Forfaits non renouvelés du réseau";

    public string PagePath => $"/api/forfaits/reminders/{Uri.EscapeDataString(Overview.DigestId)}?token={Uri.EscapeDataString(Token)}";

    public static string Bucket(DigestBucket bucket)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        var count = French.Plural(bucket.Count, "forfait");
        return bucket.Days switch
        {
            null => $"{count} {(bucket.Count <= 1 ? "déjà terminé" : "déjà terminés")}",
            var days => $"{count} {(bucket.Count <= 1 ? "se terminant" : "se terminant")} d'ici {French.Plural(days.Value, "jour")}",
        } + $" : {ForfaitEmails.Euros(bucket.AmountEuros)}";
    }

    public static string State(DigestLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Status == ForfaitStatus.Closed)
        {
            return "Clôturé" + (line.ClosureReasonLabel is { } reason ? $" ({reason})" : "");
        }
        if (line.RenewedSince)
        {
            return "Renouvelé";
        }
        if (line.RemindersAcknowledged)
        {
            return "Pris en charge : plus de rappel pour cette période";
        }
        if (line.SnoozedReminderDays is { } days)
        {
            return $"Rappel à {French.Plural(days, "jour")} reporté";
        }
        return line.Status == ForfaitStatus.Lapsed ? "Terminé, non renouvelé" : "À renouveler";
    }

    // Renewed or closed: nothing left to do from this link.
    public static bool Settled(DigestLine line) => line is not null && (line.RenewedSince || line.Status == ForfaitStatus.Closed);

    public static string Date(DateOnly date) => ForfaitValidation.Format(date);
}
