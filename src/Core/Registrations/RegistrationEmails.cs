using System.Text;
using System.Text.Encodings.Web;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.Extensions.Options;
using Microstructures.Core.Email;
using QRCoder;

namespace Microstructures.Core.Registrations;

// The registrants' e-mails, in French, kept in one place for review. They carry practical
// information and signed links only: never the accessibility-needs answer (health-related data
// must not reach the e-mail provider).
// Their .ics files follow RFC 5546: one UID per registration, ORGANIZER the association, DTSTAMP the
// moment the file is made, and a SEQUENCE (the event's CalendarSequence plus the registration's
// CalendarRevision) that every later file raises, so a calendar moves or removes its entry instead of
// adding one: PUBLISH for a confirmation and a change, CANCEL for a cancelled registration or event.
public sealed class RegistrationEmails(RegistrationLinks links, IOptions<EmailOptions> sender, TimeProvider time)
{
    public const string QrContentId = "qr-checkin";

    // restored: the registrant undid their cancellation.
    public EmailMessage Confirmation(EventEntity evt, RegistrationEntity reg, bool promoted, bool restored = false)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(reg);
        var intro = promoted
            ? "Bonne nouvelle : une place s'est libérée et votre inscription sur liste d'attente est maintenant <strong>confirmée</strong>."
            : restored
            ? "Votre annulation est défaite : votre inscription est de nouveau <strong>confirmée</strong>."
            : "Votre inscription est <strong>confirmée</strong>.";
        var body = $"<p>{intro}</p>{Practical(evt)}" +
            $"<p>À l'accueil, présentez ce code (sur votre téléphone ou imprimé) :</p><p><img src=\"cid:{QrContentId}\" alt=\"Code d'entrée\" width=\"200\" height=\"200\"></p>" +
            EntryCodeLine(evt, reg) +
            "<p>Le fichier joint (invitation.ics) ajoute l'événement à votre agenda.</p>";
        return Build(evt, reg, promoted ? "promotion" : restored ? "restored" : "confirmation",
            promoted ? $"Place confirmée — {evt.Title}" : restored ? $"Inscription rétablie — {evt.Title}" : $"Inscription confirmée — {evt.Title}", body,
            [new EmailAttachment("invitation.ics", "text/calendar", Encoding.UTF8.GetBytes(Calendar(evt, reg))),
             new EmailAttachment("code-entree.png", "image/png", CheckinQr(evt.EventId, reg.RegistrationId)) { ContentId = QrContentId }]);
    }

    // No position in the e-mail: it changes as people ahead cancel; the manage page shows the current one.
    public EmailMessage Waitlisted(EventEntity evt, RegistrationEntity reg)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(reg);
        var body = $"<p>L'événement est complet : vous êtes inscrit·e sur la <strong>liste d'attente</strong>. Votre position actuelle est indiquée sur la page de votre inscription (lien ci-dessous).</p>" +
            "<p>Dès qu'une place se libère, elle est attribuée dans l'ordre d'inscription et vous recevez aussitôt un e-mail de confirmation avec votre code d'entrée.</p>" +
            Practical(evt);
        return Build(evt, reg, "waitlist", $"Liste d'attente — {evt.Title}", body, []);
    }

    // Someone asked to register again with this address (its owner or not): no second registration, and
    // where the first one stands, with its link. Nothing of the new request (its name, its answers).
    public EmailMessage AlreadyRegistered(EventEntity evt, RegistrationEntity reg)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(reg);
        var lead = $"<p>Une demande d'inscription à « {Encode(evt.Title)} » vient d'être faite avec votre adresse e-mail. Vous étiez déjà inscrit·e : " +
            "aucune seconde inscription n'a été enregistrée. Si cette demande ne vient pas de vous, vous n'avez rien à faire.</p>";
        if (reg.Status == RegistrationStatus.Confirmed)
        {
            var body = $"{lead}<p>Votre inscription est <strong>confirmée</strong>.</p>{Practical(evt)}" +
                $"<p>À l'accueil, présentez ce code (sur votre téléphone ou imprimé) :</p><p><img src=\"cid:{QrContentId}\" alt=\"Code d'entrée\" width=\"200\" height=\"200\"></p>";
            return Build(evt, reg, "again", $"Votre inscription — {evt.Title}", body,
                [new EmailAttachment("invitation.ics", "text/calendar", Encoding.UTF8.GetBytes(Calendar(evt, reg))),
                 new EmailAttachment("code-entree.png", "image/png", CheckinQr(evt.EventId, reg.RegistrationId)) { ContentId = QrContentId }]);
        }
        var waiting = $"{lead}<p>Vous êtes sur la <strong>liste d'attente</strong> : votre position actuelle est indiquée sur la page de votre inscription (lien ci-dessous).</p>{Practical(evt)}";
        return Build(evt, reg, "again", $"Votre inscription — {evt.Title}", waiting, []);
    }

    public EmailMessage Cancelled(EventEntity evt, RegistrationEntity reg)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(reg);
        var body = $"<p>Votre inscription à « {Encode(evt.Title)} » est annulée. Merci de nous avoir prévenus : votre place est proposée à la personne suivante.</p>" +
            "<p>Vous pouvez vous réinscrire tant que les inscriptions sont ouvertes.</p>" +
            (reg.ConfirmedAt is null ? "" : "<p>Le fichier joint (annulation.ics) retire l'événement de votre agenda.</p>");
        return Build(evt, reg, "cancellation", $"Inscription annulée — {evt.Title}", body, CancelAttachment(evt, reg), manageLink: false);
    }

    // A change of date, time or venue: what changed, and for a confirmed seat the .ics that moves the entry.
    public EmailMessage EventChanged(EventEntity evt, RegistrationEntity reg, EventChange change)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(reg);
        ArgumentNullException.ThrowIfNull(change);
        var before = $"{Capitalize(EventRules.FormatParis(change.StartsAt))} – {EventRules.FormatParis(change.EndsAt, "HH'h'mm")}, {change.Venue}, {change.Address}";
        var seat = reg.Status == RegistrationStatus.Confirmed
            ? "<p>Votre inscription reste <strong>confirmée</strong>. Le fichier joint (invitation.ics) déplace l'événement dans votre agenda.</p>"
            : "<p>Vous restez sur la <strong>liste d'attente</strong>, à la même position.</p>";
        var body = $"<p>Les organisateurs ont modifié « {Encode(evt.Title)} ». Voici les nouvelles informations :</p>{Practical(evt)}" +
            $"<p>Auparavant : {Encode(before)}.</p>{seat}" +
            "<p>Si vous ne pouvez plus venir, annulez votre inscription avec le lien ci-dessous : votre place ira à une autre personne.</p>";
        return Build(evt, reg, "event-changed", $"Changement : {evt.Title}", body,
            reg.Status == RegistrationStatus.Confirmed ? [new EmailAttachment("invitation.ics", "text/calendar", Encoding.UTF8.GetBytes(Calendar(evt, reg)))] : []);
    }

    public EmailMessage EventCancelled(EventEntity evt, RegistrationEntity reg)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(reg);
        var body = $"<p>Nous sommes au regret de vous annoncer que « {Encode(evt.Title)} », prévu le {Encode(EventRules.FormatParis(evt.StartsAt))}, est <strong>annulé</strong>.</p>" +
            "<p>Votre inscription est donc annulée elle aussi ; vous n'avez rien à faire." +
            (reg.Status == RegistrationStatus.Confirmed ? " Le fichier joint (annulation.ics) retire l'événement de votre agenda." : "") + "</p>";
        return Build(evt, reg, "event-cancelled", $"Événement annulé — {evt.Title}", body, CancelAttachment(evt, reg), manageLink: false);
    }

    public EmailMessage Reminder(EventEntity evt, RegistrationEntity reg, int daysBefore)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(reg);
        var when = daysBefore == 1 ? "demain" : $"dans {daysBefore} jours";
        var body = $"<p>Rappel : « {Encode(evt.Title)} » a lieu {when}. Votre place est confirmée.</p>{Practical(evt)}" +
            $"<p>Votre code d'entrée :</p><p><img src=\"cid:{QrContentId}\" alt=\"Code d'entrée\" width=\"200\" height=\"200\"></p>" +
            EntryCodeLine(evt, reg) +
            "<p>Si vous ne pouvez plus venir, annulez votre inscription avec le lien ci-dessous : votre place ira à une personne de la liste d'attente.</p>";
        return Build(evt, reg, $"reminder-{daysBefore}d", $"Rappel : {evt.Title} {when}", body,
            [new EmailAttachment("code-entree.png", "image/png", CheckinQr(evt.EventId, reg.RegistrationId)) { ContentId = QrContentId }]);
    }

    public EmailMessage CertificateLink(EventEntity evt, RegistrationEntity reg)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(reg);
        var link = links.CertificateLink(evt.EventId, reg.RegistrationId).ToString();
        var body = $"<p>Votre attestation de présence à « {Encode(evt.Title)} » est disponible ; vous pouvez l'imprimer ou l'enregistrer en PDF depuis votre navigateur :</p>" +
            $"<p><a href=\"{Encode(link)}\">{Encode(link)}</a></p>";
        return Build(evt, reg, "certificate", $"Attestation de présence — {evt.Title}", body, [], manageLink: false);
    }

    // Written by the organisers as plain text: encoded, paragraphs kept.
    public EmailMessage OrganiserMessage(EventEntity evt, RegistrationEntity reg, string subject, string text)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(reg);
        ArgumentNullException.ThrowIfNull(text);
        var paragraphs = string.Concat(text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n").Select(p => "<p>" + Encode(p).Replace("&#xA;", "<br>", StringComparison.Ordinal) + "</p>"));
        var body = $"<p>Message des organisateurs de « {Encode(evt.Title)} » :</p>{paragraphs}{Practical(evt)}";
        return Build(evt, reg, "message", $"{subject} — {evt.Title}", body, []);
    }

    // The check-in QR code: the signed token a door volunteer's phone scans.
    public byte[] CheckinQr(string eventId, string registrationId) => Qr(CheckinQrText(eventId, registrationId));

    public string CheckinQrText(string eventId, string registrationId) => links.CheckinCode(eventId, registrationId);

    public static byte[] Qr(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(8);
    }

    public string Calendar(EventEntity evt, RegistrationEntity reg) => Calendar(evt, reg, cancel: false);

    // CANCEL: the registration or the whole event is cancelled; its SEQUENCE is already raised.
    public string Calendar(EventEntity evt, RegistrationEntity reg, bool cancel)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(reg);
        var calendar = new Calendar();
        calendar.AddProperty("METHOD", cancel ? "CANCEL" : "PUBLISH");
        var entry = new CalendarEvent
        {
            Uid = $"{evt.EventId}-{reg.RegistrationId}@cnrms.example.org",
            Sequence = evt.CalendarSequence + reg.CalendarRevision,
            Summary = evt.Title,
            Location = $"{evt.Venue}, {evt.Address}",
            Description = cancel ? "Inscription annulée." : $"Inscription confirmée. Gérer ou annuler : {links.ManageLink(evt.EventId, reg.RegistrationId)}",
            Start = new CalDateTime(evt.StartsAt.UtcDateTime),
            End = new CalDateTime(evt.EndsAt.UtcDateTime),
            DtStamp = new CalDateTime(time.GetUtcNow().UtcDateTime),
            Organizer = new Organizer($"mailto:{sender.Value.FromAddress}") { CommonName = sender.Value.FromName },
        };
        if (cancel)
        {
            entry.Status = "CANCELLED";
            entry.Attendees.Add(new Attendee($"mailto:{reg.Email}") { CommonName = $"{reg.FirstName} {reg.LastName}" });
        }
        calendar.Events.Add(entry);
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    // Only a person who had a seat received an .ics to remove.
    private IReadOnlyList<EmailAttachment> CancelAttachment(EventEntity evt, RegistrationEntity reg) =>
        reg.ConfirmedAt is null && reg.Status != RegistrationStatus.Confirmed
            ? []
            : [new EmailAttachment("annulation.ics", "text/calendar", Encoding.UTF8.GetBytes(Calendar(evt, reg, cancel: true)))];

    private EmailMessage Build(EventEntity evt, RegistrationEntity reg, string category, string subject, string body, IReadOnlyList<EmailAttachment> attachments, bool manageLink = true)
    {
        var manage = links.ManageLink(evt.EventId, reg.RegistrationId).ToString();
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"fr\"><body style=\"font-family:Arial,sans-serif;line-height:1.5\">")
            .Append("<p>Bonjour ").Append(Encode(reg.FirstName)).Append(",</p>")
            .Append(body);
        if (manageLink)
        {
            html.Append("<p>Consulter ou annuler votre inscription : <a href=\"").Append(Encode(manage)).Append("\">").Append(Encode(manage)).Append("</a></p>");
        }
        html.Append("<p>Une question pratique ? Écrivez aux organisateurs : <a href=\"mailto:").Append(Encode(evt.ContactEmail)).Append("\">")
            .Append(Encode(evt.ContactEmail)).Append("</a>.</p><p>L'équipe de la CNRMS</p></body></html>");
        return new EmailMessage
        {
            To = reg.Email,
            ToName = $"{reg.FirstName} {reg.LastName}",
            Subject = subject,
            Html = html.ToString(),
            Text = ToText(html.ToString()),
            ReplyTo = evt.ContactEmail,
            Category = "registration-" + category,
            Attachments = attachments,
        };
    }

    private static string Practical(EventEntity evt) =>
        $"<p><strong>{Encode(evt.Title)}</strong><br>{Encode(Capitalize(EventRules.FormatParis(evt.StartsAt)))} – {Encode(EventRules.FormatParis(evt.EndsAt, "HH'h'mm"))}<br>" +
        $"{Encode(evt.Venue)}, {Encode(evt.Address)}</p>";

    // The short code, in the HTML and so in the text part: what the door types when the QR code cannot be read.
    private string EntryCodeLine(EventEntity evt, RegistrationEntity reg) =>
        $"<p>Code à donner à l'accueil si le code QR ne peut pas être lu : <strong>{Encode(links.EntryCode(evt.EventId, reg.RegistrationId))}</strong></p>";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    // A plain-text alternative: tags dropped, links kept (hrefs are written out in the HTML above).
    private static string ToText(string html)
    {
        // An image alone in its paragraph (the QR code) leaves no empty line behind.
        var text = System.Text.RegularExpressions.Regex.Replace(html, "<p><img [^>]*></p>", "");
        text = System.Text.RegularExpressions.Regex.Replace(text, "<br>|</p>", "\n");
        text = System.Text.RegularExpressions.Regex.Replace(text, "<[^>]+>", "");
        return System.Net.WebUtility.HtmlDecode(text).Trim();
    }
}
