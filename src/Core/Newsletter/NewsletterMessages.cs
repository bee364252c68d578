namespace Microstructures.Core.Newsletter;

// What the newsletter's pages and API answers say, in French, in one place for review.
public static class NewsletterMessages
{
    // The one answer to every valid subscription request, whatever the address' state: it reveals
    // nothing of an existing subscription (the details go to the mailbox).
    public const string RequestReceived =
        "Merci ! Si cette adresse peut recevoir la lettre, un e-mail vient d'y être envoyé : ouvrez-le pour confirmer votre abonnement (pensez à regarder dans les courriers indésirables).";

    public const string InvalidLink = "Ce lien n'est pas valable : utilisez le lien complet reçu par e-mail.";
    public const string ConfirmationExpired = "Ce lien de confirmation a expiré : abonnez-vous à nouveau pour en recevoir un nouveau.";
    public const string RequestGone = "Cette demande d'abonnement n'existe plus : abonnez-vous à nouveau depuis la page d'abonnement.";
    public const string LinkBeforeUnsubscribe = "Ce lien a été envoyé avant votre désabonnement : pour vous réabonner, faites une nouvelle demande depuis la page d'abonnement.";
    public const string SubscriptionGone = "Cet abonnement n'existe plus : vous pouvez vous réabonner depuis la page d'abonnement.";

    public static string TooManyRequests(TimeSpan wait) =>
        $"Trop de demandes d'abonnement depuis votre connexion en peu de temps. Réessayez dans {Common.FrenchDuration.Format(wait)}.";

    public const string EmailMissing = "Indiquez votre adresse e-mail.";
    public const string EmailInvalid = "Indiquez une adresse e-mail valide, par exemple prenom.nom@example.org.";
    public const string ConsentMissing = "Cochez la case pour accepter de recevoir la lettre d'information.";

    // "p•••@example.org": enough for the owner to recognise the address, not to read it over a shoulder.
    public static string Mask(string? email)
    {
        if (string.IsNullOrEmpty(email) || email.IndexOf('@', StringComparison.Ordinal) is var at && at < 1)
        {
            return "";
        }
        return email[0] + "•••" + email[at..];
    }
}
