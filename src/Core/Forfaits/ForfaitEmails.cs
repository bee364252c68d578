using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;
using Microstructures.Core.Email;
using Microstructures.Core.Registrations;

namespace Microstructures.Core.Forfaits;

// What a digest announces: counts per delay and the money at stake. Nothing else of the forfaits.
public sealed record DigestSummary(int Count, decimal AmountEuros, IReadOnlyList<DigestBucket> Buckets);

// Forfaits ending within Days days (Days null: already ended).
public sealed record DigestBucket(int? Days, int Count, decimal AmountEuros);

// The reminder e-mails, in French, kept in one place for review. The provider is outside France and
// not certified for health data: an e-mail carries counts, euros, the microstructure or network name
// and a signed link — never a pseudonym, a scheme name or a forfait id (those are on the platform page).
public sealed class ForfaitEmails(ForfaitTokens tokens, IOptions<PublicSiteOptions> site, IOptions<ForfaitOptions> options)
{
    public const string MicrostructureCategory = "forfait-reminder";
    public const string NetworkCategory = "forfait-escalation";

    public Uri DigestLink(string digestId) =>
        site.Value.Link($"/api/forfaits/reminders/{digestId}?token={tokens.Sign(digestId)}");

    public static string EmailId(string digestId, int recipient) =>
        string.Create(CultureInfo.InvariantCulture, $"forfait-{digestId}-{recipient}");

    // Items grouped by how far their end is from the run date: within each configured delay (lead times
    // and escalation, smallest first), or already ended.
    public DigestSummary Summarize(IReadOnlyCollection<DigestItem> items, DateOnly runDate)
    {
        ArgumentNullException.ThrowIfNull(items);
        var delays = options.Value.LeadTimesDays.Append(options.Value.EscalationDaysBefore).Distinct().Order().ToList();
        var buckets = items.GroupBy(i =>
            {
                var left = i.EndDate.DayNumber - runDate.DayNumber;
                return left < 0 ? (int?)null : delays.FirstOrDefault(d => d >= left, left);
            })
            .OrderBy(g => g.Key ?? -1)
            .Select(g => new DigestBucket(g.Key, g.Count(), g.Sum(i => i.AmountEuros)))
            .ToList();
        return new DigestSummary(items.Count, items.Sum(i => i.AmountEuros), buckets);
    }

    public EmailMessage MicrostructureDigest(string to, string microstructureName, DigestSummary summary, string digestId, DateOnly expiresOn)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var intro = $"Pour la microstructure « {Encode(microstructureName)} », {Count(summary.Count)} {(summary.Count == 1 ? "arrive" : "arrivent")} à échéance sans renouvellement enregistré :";
        var subject = summary.Count == 1 ? "Forfait à renouveler : 1 forfait arrive à échéance" : $"Forfaits à renouveler : {summary.Count} forfaits arrivent à échéance";
        var body = $"<p>{intro}</p>{Buckets(summary)}<p>Montant en jeu : <strong>{Euros(summary.AmountEuros)}</strong>.</p>" +
            $"<p>Pour {(summary.Count == 1 ? "le consulter et le renouveler, le clôturer ou reporter ce rappel" : "les consulter et renouveler, clôturer ou reporter le rappel de chacun")}, ouvrez la page sécurisée de la plateforme :</p>";
        return Build(to, subject, body, digestId, expiresOn, MicrostructureCategory);
    }

    public EmailMessage NetworkDigest(string to, string networkName, DigestSummary summary, IReadOnlyList<(string Microstructure, int Count, decimal AmountEuros)> byMicrostructure, string digestId, DateOnly expiresOn)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(byMicrostructure);
        var microstructures = byMicrostructure.Count == 1 ? "d'une microstructure" : $"de {byMicrostructure.Count} microstructures";
        var intro = $"Dans le réseau « {Encode(networkName)} », {Count(summary.Count)} {microstructures} {(summary.Count == 1 ? "n'est toujours pas renouvelé" : "ne sont toujours pas renouvelés")} à l'approche de leur échéance :";
        var subject = summary.Count == 1 ? "Alerte : 1 forfait non renouvelé dans votre réseau" : $"Alerte : {summary.Count} forfaits non renouvelés dans votre réseau";
        var list = string.Concat(byMicrostructure.Select(m => $"<li>{Encode(m.Microstructure)} : {Count(m.Count)}, {Euros(m.AmountEuros)}</li>"));
        var body = $"<p>{intro}</p>{Buckets(summary)}<p>Montant en jeu : <strong>{Euros(summary.AmountEuros)}</strong>.</p><ul>{list}</ul>" +
            "<p>Pour voir ces forfaits et agir avec les équipes, ouvrez la page sécurisée de la plateforme :</p>";
        return Build(to, subject, body, digestId, expiresOn, NetworkCategory);
    }

    public static string Count(int count) => count == 1 ? "1 forfait" : $"{count} forfaits";

    public static string Euros(decimal amount) =>
        amount.ToString(decimal.Truncate(amount) == amount ? "N0" : "N2", ForfaitValidation.French) + "\u00A0€";

    private static string Buckets(DigestSummary summary)
    {
        var lines = summary.Buckets.Select(b => b.Days switch
        {
            null => $"{Count(b.Count)} {(b.Count == 1 ? "est déjà terminé" : "sont déjà terminés")}",
            var days => $"{Count(b.Count)} {(b.Count == 1 ? "se termine" : "se terminent")} d'ici {(days == 1 ? "1 jour" : $"{days} jours")}",
        } + $" ({Euros(b.AmountEuros)})");
        return "<ul>" + string.Concat(lines.Select(l => "<li>" + Encode(l) + "</li>")) + "</ul>";
    }

    private EmailMessage Build(string to, string subject, string body, string digestId, DateOnly expiresOn, string category)
    {
        var link = DigestLink(digestId).ToString();
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"fr\"><body style=\"font-family:Arial,sans-serif;line-height:1.5\">")
            .Append("<p>Bonjour,</p>")
            .Append(body)
            .Append("<p><a href=\"").Append(Encode(link)).Append("\">").Append(Encode(link)).Append("</a></p>")
            .Append("<p>Ce lien est valable jusqu'au ").Append(Encode(ForfaitValidation.Format(expiresOn)))
            .Append(". Les pseudonymes n'apparaissent que sur la plateforme, jamais dans les e-mails.</p>")
            .Append("<p>L'équipe de la CNRMS</p></body></html>")
            .ToString();
        return new EmailMessage { To = to, Subject = subject, Html = html, Text = ToText(html), Category = category };
    }

    private static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    private static string ToText(string html)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(html, "<br>|</p>|</li>", "\n");
        text = System.Text.RegularExpressions.Regex.Replace(text, "<li>", "– ");
        text = System.Text.RegularExpressions.Regex.Replace(text, "<[^>]+>", "");
        return System.Net.WebUtility.HtmlDecode(text).Trim();
    }
}
