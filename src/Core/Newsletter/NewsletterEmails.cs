using System.Globalization;
using Microsoft.Extensions.Options;
using Microstructures.Core.Email;

namespace Microstructures.Core.Newsletter;

// The newsletter's e-mails other than the issues themselves, in French, kept in one place for review.
// Every e-mail to a subscriber (the confirmation request included) carries the List-Unsubscribe
// headers and a visible unsubscribe link to a page with a button.
public sealed class NewsletterEmails(NewsletterLinks links, IOptions<NewsletterOptions> options)
{
    public const string ConfirmationCategory = "newsletter-confirmation";
    public const string NoticeCategory = "newsletter-notice";
    public const string WelcomeCategory = "newsletter-welcome";
    public const string RepermissionCategory = "newsletter-repermission";
    public const string AlertCategory = "newsletter-alert";
    public const string TestCategory = "newsletter-test";
    public const string IssueCategory = "newsletter";

    public const string WhySubscribed = "Vous recevez cet e-mail parce que vous êtes abonné·e à la lettre d'information de la CNRMS, ou en tant que professionnel·le en lien avec les microstructures.";
    public const string WhyRequested = "Vous recevez cet e-mail parce qu'un abonnement à la lettre d'information de la CNRMS a été demandé avec cette adresse.";

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public EmailMessage Confirmation(string email, string subscriberId, DateTimeOffset issuedAt)
    {
        var link = links.Confirm(subscriberId, issuedAt).ToString();
        var expires = FormatParis(issuedAt + options.Value.ConfirmationLinkValidity);
        return Build(email, subscriberId, ConfirmationCategory, "Confirmez votre abonnement à la lettre de la CNRMS", "Confirmation d'abonnement", WhyRequested,
            [
                "Bonjour,",
                "Un abonnement à la lettre d'information mensuelle de la CNRMS a été demandé avec cette adresse.",
                $"Pour le confirmer, ouvrez ce lien puis appuyez sur le bouton « Confirmer mon abonnement » (valable jusqu'au {expires}) :",
            ],
            link,
            ["Si vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail : sans confirmation, vous ne recevrez rien et l'adresse sera effacée."]);
    }

    // To an address already subscribed that is asked again: the form says the same thing in every case,
    // the details go to the mailbox.
    public EmailMessage AlreadySubscribed(string email, string subscriberId) =>
        Build(email, subscriberId, NoticeCategory, "Vous êtes déjà abonné·e à la lettre de la CNRMS", "Déjà abonné·e", WhySubscribed,
            [
                "Bonjour,",
                "Un abonnement à la lettre d'information de la CNRMS vient d'être demandé avec cette adresse, qui est déjà abonnée : il n'y a rien à faire.",
                "Les lettres déjà parues sont en ligne :",
            ],
            links.Archive().ToString(),
            ["Si vous ne souhaitez plus la recevoir, utilisez le lien de désabonnement ci-dessous."]);

    public EmailMessage Welcome(string email, string subscriberId) =>
        Build(email, subscriberId, WelcomeCategory, "Votre abonnement à la lettre de la CNRMS est confirmé", "Abonnement confirmé", WhySubscribed,
            [
                "Bonjour,",
                "Votre abonnement est confirmé : vous recevrez chaque mois la lettre d'information de la CNRMS (actualités des réseaux, des expérimentations, publications et événements).",
                "Les lettres déjà parues sont en ligne :",
            ],
            links.Archive().ToString(),
            ["Chaque lettre contient un lien pour vous désabonner en un clic."]);

    public EmailMessage Repermission(string email, string subscriberId, DateTimeOffset purgeAt) =>
        Build(email, subscriberId, RepermissionCategory, "Souhaitez-vous continuer à recevoir la lettre de la CNRMS ?", "Rester abonné·e ?", WhySubscribed,
            [
                "Bonjour,",
                $"Vous êtes abonné·e à la lettre d'information de la CNRMS depuis un moment sans que nous ayons eu de nouvelles de vous. Pour protéger vos données, votre adresse sera effacée le {FormatParisDate(purgeAt)}.",
                "Pour continuer à recevoir la lettre, ouvrez ce lien puis appuyez sur le bouton « Rester inscrit·e » :",
            ],
            links.Stay(subscriberId).ToString(),
            ["Sinon, vous n'avez rien à faire."]);

    // To the staff address: the send time came and no issue of the month is ready. Not to a subscriber.
    public EmailMessage StaffAlert(NewsletterMonth month, IssueStatus? status, DateTimeOffset sendAt)
    {
        var state = status switch
        {
            null => "aucun numéro n'a été créé pour ce mois",
            IssueStatus.Draft => "le numéro de ce mois est encore un brouillon",
            _ => "le numéro de ce mois n'est pas marqué prêt",
        };
        var subject = $"Lettre d'information de {month.Label} : aucun numéro prêt";
        var paragraphs = new[]
        {
            "Bonjour,",
            $"L'envoi de la lettre d'information de {month.Label} était prévu le {FormatParis(sendAt)}, mais {state} : rien n'a été envoyé.",
            "Dès qu'un numéro de ce mois est marqué prêt, il part au passage suivant de l'envoi automatique (dans le quart d'heure).",
        };
        var body = string.Concat(paragraphs.Select(Paragraph));
        var footer = new TemplateFooter(options.Value.AssociationName, options.Value.PostalAddress, "Alerte automatique de la plateforme des microstructures.", null, null);
        return new EmailMessage
        {
            To = options.Value.StaffAlertAddress,
            Subject = subject,
            Html = NewsletterTemplate.Html(subject, paragraphs[1], body, footer),
            Text = NewsletterTemplate.Text(subject, string.Join("\n\n", paragraphs), footer),
            Category = AlertCategory,
        };
    }

    public TemplateFooter SubscriberFooter(string? unsubscribeUrl, string? webVersionUrl) =>
        new(options.Value.AssociationName, options.Value.PostalAddress, WhySubscribed, unsubscribeUrl, webVersionUrl);

    public static string FormatParis(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, SendSchedule.Paris).ToString("dddd d MMMM yyyy 'à' HH'h'mm", French);

    public static string FormatParisDate(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, SendSchedule.Paris).ToString("d MMMM yyyy", French);

    private EmailMessage Build(string email, string subscriberId, string category, string subject, string title, string why,
        IReadOnlyList<string> before, string link, IReadOnlyList<string> after)
    {
        var unsubscribe = links.Unsubscribe(subscriberId).ToString();
        var footer = new TemplateFooter(options.Value.AssociationName, options.Value.PostalAddress, why, unsubscribe, null);
        var html = string.Concat(before.Select(Paragraph))
            + $"<p style=\"margin:0 0 16px;\"><a href=\"{NewsletterTemplate.Encode(link)}\" style=\"color:#1d5fa8;text-decoration:underline;word-break:break-all;\">{NewsletterTemplate.Encode(link)}</a></p>"
            + string.Concat(after.Select(Paragraph));
        var text = string.Join("\n\n", before) + "\n\n" + link + "\n\n" + string.Join("\n\n", after);
        return new EmailMessage
        {
            To = email,
            Subject = subject,
            Html = NewsletterTemplate.Html(title, before.Count > 1 ? before[1] : subject, html, footer),
            Text = NewsletterTemplate.Text(title, text, footer),
            Category = category,
            Headers = NewsletterLinks.UnsubscribeHeaders(unsubscribe),
        };
    }

    private static string Paragraph(string text) => $"<p style=\"margin:0 0 16px;\">{NewsletterTemplate.Encode(text)}</p>";
}
