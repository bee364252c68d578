using System.Text;
using Microstructures.Core.Common;
using Microstructures.Core.Registrations;
using Microstructures.Functions.Pages;
using static Microstructures.Functions.Pages.PageLayout;

namespace Microstructures.Functions.Registrations;

// The public pages: the registration form (works without JavaScript, keyboard only, errors listed
// at the top and linked to their fields) and the page behind the signed link in every e-mail.
// Every French sentence of these pages is here.
public static class RegistrationPages
{
    internal static async Task<IResult> ShowFormAsync(string eventId, EventCatalogue catalogue, CancellationToken cancellationToken)
    {
        var summary = await catalogue.GetSummaryAsync(eventId, cancellationToken);
        return summary.IsSuccess ? Form(summary.Value!, new RegistrationInput(), null) : NotFoundPage();
    }

    internal static async Task<IResult> SubmitFormAsync(string eventId, RegistrationForm form, System.Net.IPAddress? client, RegistrationService service, EventCatalogue catalogue, RegistrationViews views, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(service);
        var result = await service.RegisterAsync(eventId, form.Input, RegistrationSource.Public, client, cancellationToken);
        return result.Kind switch
        {
            ResultKind.Success when result.Value!.ManageUrl is { } url => await RegisteredPageAsync(eventId, result.Value, new Uri(url), views, cancellationToken),
            ResultKind.Success when result.Value!.Kind == RegistrationOutcomeKind.AlreadyRegistered => Public("Déjà inscrit·e",
                $"<p class=\"notice\" role=\"status\">{RegistrationOutcome.AlreadyRegisteredMessage}</p>"),
            ResultKind.Success => Public("Merci", "<p class=\"notice ok\">Votre demande a bien été reçue.</p>"),
            ResultKind.Invalid => (await catalogue.GetSummaryAsync(eventId, cancellationToken)) is { IsSuccess: true } s ? Form(s.Value!, form.Input, result.Errors) : NotFoundPage(),
            ResultKind.NotFound => NotFoundPage(),
            ResultKind.TooManyRequests => new Hosting.RetryAfterResult(Public("Trop de demandes", $"<p class=\"notice danger\">{Encode(result.Detail)}</p>", StatusCodes.Status429TooManyRequests), result.RetryAfter!.Value),
            _ => Public("Inscriptions fermées", $"<p class=\"notice danger\">{Encode(result.Detail)}</p>", StatusCodes.Status409Conflict),
        };
    }

    // The answer page itself, not a redirect to the manage page; the page's script puts the manage
    // link in the address bar: a refresh or a bookmark opens the registration, never a second submission.
    private static async Task<IResult> RegisteredPageAsync(string eventId, RegistrationOutcome outcome, Uri manageLink, RegistrationViews views, CancellationToken cancellationToken)
    {
        var token = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(manageLink.Query)["token"].ToString();
        var view = await views.GetViewAsync(eventId, outcome.RegistrationId!, cancellationToken);
        return view.IsSuccess ? Manage(view.Value!, token, isNew: true, justCancelled: false, address: manageLink.PathAndQuery) : InvalidLinkPage(view.Detail);
    }

    internal static async Task<IResult> ShowManageAsync(string eventId, string registrationId, string? token, RegistrationViews views, CancellationToken cancellationToken)
    {
        var view = await views.GetForManageAsync(eventId, registrationId, token, cancellationToken);
        return view.IsSuccess ? Manage(view.Value!, token!, isNew: false, justCancelled: false) : InvalidLinkPage(view.Detail);
    }

    // A POST, never a GET: a mail scanner following the link must not cancel anything.
    internal static async Task<IResult> CancelFromManageAsync(string eventId, string registrationId, string? token, RegistrationCancellation cancellation, CancellationToken cancellationToken)
    {
        var view = await cancellation.CancelWithTokenAsync(eventId, registrationId, token, cancellationToken);
        return view.Kind switch
        {
            ResultKind.Success => Manage(view.Value!, token!, isNew: false, justCancelled: true),
            ResultKind.Conflict => Public("Annulation impossible", $"<p class=\"notice danger\" role=\"status\">{Encode(view.Detail)}</p>", StatusCodes.Status409Conflict),
            _ => InvalidLinkPage(view.Detail),
        };
    }

    internal static async Task<IResult> ShowCertificateAsync(string eventId, string registrationId, string? token, AttendanceCertificates certificates, CancellationToken cancellationToken) =>
        Certificate(await certificates.GetAsync(eventId, registrationId, token, cancellationToken), sent: false);

    internal static async Task<IResult> SendCertificateAsync(string eventId, string registrationId, string? token, AttendanceCertificates certificates, CancellationToken cancellationToken) =>
        Certificate(await certificates.SendLinkAsync(eventId, registrationId, token, cancellationToken), sent: true);

    private static IResult Certificate(Result<RegistrationView> result, bool sent)
    {
        if (result.Kind == ResultKind.Conflict)
        {
            return Public("Attestation de présence", $"<p class=\"notice\">{Encode(result.Detail)}</p>", StatusCodes.Status409Conflict);
        }
        if (!result.IsSuccess)
        {
            return InvalidLinkPage(result.Detail);
        }
        var view = result.Value!;
        var evt = view.Event;
        var html = new StringBuilder();
        if (sent)
        {
            html.Append("<p class=\"notice ok\" role=\"status\">Le lien vers cette attestation vous a été envoyé par e-mail.</p>");
        }
        html.Append("<p>La Coordination Nationale des Réseaux de Microstructures (CNRMS) atteste que <strong>")
            .Append(Encode(view.FirstName)).Append(' ').Append(Encode(view.LastName)).Append("</strong> a participé à « ").Append(Encode(evt.Title)).Append(" », le ")
            .Append(Encode(EventRules.FormatParis(evt.StartsAt, "dddd d MMMM yyyy"))).Append(", ").Append(Encode(evt.Venue)).Append(", ").Append(Encode(evt.Address)).Append(".</p>")
            .Append("<p>Présence enregistrée à l'accueil le ").Append(Encode(EventRules.FormatParis(view.CheckedInAt!.Value))).Append(".</p>")
            .Append("<p>Pour la CNRMS, l'équipe d'organisation.</p>")
            .Append("<button type=\"button\" onclick=\"window.print()\">Imprimer ou enregistrer en PDF</button>")
            .Append("<form method=\"post\"><button type=\"submit\" class=\"secondary\">Recevoir le lien par e-mail</button></form>");
        return Public("Attestation de présence", html.ToString());
    }

    private static IResult Form(EventSummary evt, RegistrationInput input, IReadOnlyDictionary<string, string[]>? errors)
    {
        var html = new StringBuilder();
        html.Append(Practical(evt));
        if (evt.RegistrationState is RegistrationState.Closed or RegistrationState.NotOpenYet)
        {
            html.Append("<p class=\"notice danger\">")
                .Append(evt.RegistrationState == RegistrationState.Closed ? "Les inscriptions sont closes." : "Les inscriptions ouvriront le " + Encode(EventRules.FormatParis(evt.RegistrationOpensAt)) + ".")
                .Append("</p>");
            return Public("Inscription — " + evt.Title, html.ToString());
        }
        html.Append(evt.SeatsLeft > 0
            ? $"<p class=\"notice\">Entrée gratuite, inscription obligatoire. Places restantes : <strong>{evt.SeatsLeft}</strong>.</p>"
            : "<p class=\"notice\">L'événement est complet : vous pouvez vous inscrire sur la liste d'attente. Les places libérées sont attribuées dans l'ordre d'inscription.</p>");
        if (errors is { Count: > 0 })
        {
            html.Append("<div class=\"error-summary\" id=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>")
                .Append(errors.Count == 1 ? "Un champ est à corriger" : $"{errors.Count} champs sont à corriger").Append("</h2><ul>");
            foreach (var (field, messages) in errors)
            {
                html.Append("<li><a href=\"#").Append(field).Append("\">").Append(Encode(string.Join(" ", messages))).Append("</a></li>");
            }
            html.Append("</ul></div>");
        }
        html.Append("<form method=\"post\" action=\"/api/events/").Append(Encode(evt.EventId)).Append("/register\" novalidate>")
            .Append("<p class=\"hint\">Tous les champs sont obligatoires sauf mention contraire.</p>");
        Input(html, errors, "firstName", "Prénom", input.FirstName, "text", "given-name");
        Input(html, errors, "lastName", "Nom", input.LastName, "text", "family-name");
        Input(html, errors, "email", "Adresse e-mail", input.Email, "email", "email", "La confirmation et votre code d'entrée y seront envoyés.");
        Select(html, errors, "profession", "Profession", input.Profession, Professions.All.Select(p => (p.Code, p.Label)));
        Input(html, errors, "organisation", "Structure", input.Organisation, "text", "organization", "Cabinet, réseau, association, institution…");
        Select(html, errors, "region", "Région", input.Region, Regions.All.Select(r => (r, r)));
        foreach (var question in evt.ExtraQuestions)
        {
            var field = RegistrationRules.AnswerField(question.Id);
            html.Append("<label for=\"").Append(field).Append("\">").Append(Encode(question.Label)).Append(question.Required ? "" : " (facultatif)").Append("</label>");
            FieldError(html, errors, field);
            html.Append("<input id=\"").Append(field).Append("\" name=\"").Append(field).Append("\" type=\"text\" value=\"")
                .Append(Encode(input.Answers?.GetValueOrDefault(question.Id))).Append('"').Append(question.Required ? " required" : "")
                .Append(Describedby(errors, field, false)).Append(Invalid(errors, field)).Append('>');
        }
        html.Append("<label for=\"accessibilityNeeds\">Besoins d'accessibilité (facultatif)</label>")
            .Append("<p class=\"hint\" id=\"accessibilityNeeds-hint\">Par exemple : accès en fauteuil, boucle magnétique. Utilisé seulement pour organiser votre accueil, jamais envoyé par e-mail, et effacé en premier après l'événement.</p>");
        FieldError(html, errors, "accessibilityNeeds");
        html.Append("<textarea id=\"accessibilityNeeds\" name=\"accessibilityNeeds\" rows=\"3\" aria-describedby=\"accessibilityNeeds-hint\"")
            .Append(Invalid(errors, "accessibilityNeeds")).Append('>').Append(Encode(input.AccessibilityNeeds)).Append("</textarea>")
            .Append("<label class=\"checkbox\"><input type=\"checkbox\" id=\"newsletterOptIn\" name=\"newsletterOptIn\" value=\"on\"").Append(input.NewsletterOptIn ? " checked" : "")
            .Append("> Je souhaite recevoir la lettre d'information mensuelle de la CNRMS (facultatif).</label>")
            .Append("<div class=\"honeypot\" aria-hidden=\"true\"><label for=\"website\">Ne pas remplir ce champ</label><input id=\"website\" name=\"website\" type=\"text\" tabindex=\"-1\" autocomplete=\"off\"></div>")
            .Append("<details><summary>Protection de vos données</summary><p>La CNRMS utilise ces informations uniquement pour organiser l'événement : gestion des places, accueil, e-mails pratiques (confirmation, rappels, changement éventuel). ")
            .Append("Elles ne sont ni vendues ni cédées. Les données personnelles sont supprimées au plus tard quelques mois après l'événement ; seuls des décomptes anonymes (par profession et région) sont conservés. ")
            .Append("Une nouvelle demande avec une adresse déjà inscrite indique seulement que cette adresse est inscrite ; le détail de l'inscription n'est envoyé qu'à cette adresse. ")
            .Append("Vous pouvez consulter ou annuler votre inscription à tout moment avec le lien reçu par e-mail, et exercer vos droits auprès des organisateurs : <a href=\"mailto:")
            .Append(Encode(evt.ContactEmail)).Append("\">").Append(Encode(evt.ContactEmail)).Append("</a>.</p></details>")
            .Append("<button type=\"submit\" id=\"register-submit\">").Append(evt.SeatsLeft > 0 ? "M'inscrire" : "M'inscrire sur la liste d'attente").Append("</button></form>");
        if (errors is { Count: > 0 })
        {
            html.Append("<script>document.getElementById('error-summary').focus();</script>");
        }
        return Public("Inscription — " + evt.Title, html.ToString(), errors is { Count: > 0 } ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static IResult Manage(RegistrationView view, string token, bool isNew, bool justCancelled, string? address = null)
    {
        var evt = view.Event;
        var html = new StringBuilder();
        var (title, message) = view.Status switch
        {
            RegistrationStatus.Confirmed => ("Inscription confirmée", $"<p class=\"notice ok\" role=\"status\">{(isNew ? "Merci ! " : "")}Votre inscription est <strong>confirmée</strong>. Un e-mail de confirmation avec votre code d'entrée et l'invitation pour votre agenda a été envoyé à {Encode(view.Email)}.</p>"),
            RegistrationStatus.Waitlisted => ("Liste d'attente", $"<p class=\"notice\" role=\"status\">{(isNew ? "Merci ! " : "")}L'événement est complet : vous êtes sur la <strong>liste d'attente, en position {view.WaitlistPosition}</strong>. Si une place se libère, elle vous sera attribuée automatiquement et vous recevrez un e-mail.</p>"),
            _ => ("Inscription annulée", justCancelled
                ? "<p class=\"notice ok\" role=\"status\">Votre inscription est annulée. Merci de nous avoir prévenus : votre place est proposée à la personne suivante. Un e-mail vous le confirme.</p>"
                : "<p class=\"notice\" role=\"status\">Cette inscription est annulée.</p>"),
        };
        html.Append(message).Append(Practical(evt))
            .Append("<p>Inscription au nom de ").Append(Encode(view.FirstName)).Append(' ').Append(Encode(view.LastName)).Append(".</p>");
        if (view.CertificateUrl is { } certificate)
        {
            html.Append("<p><a href=\"").Append(Encode(new Uri(certificate).PathAndQuery)).Append("\">Votre attestation de présence</a></p>");
        }
        else if (view.Cancellable && view.Status != RegistrationStatus.Cancelled)
        {
            html.Append("<form method=\"post\" action=\"/api/events/").Append(Encode(evt.EventId)).Append("/registrations/").Append(Encode(view.RegistrationId))
                .Append("/manage?token=").Append(Uri.EscapeDataString(token)).Append("\">")
                .Append("<p>Vous ne pouvez plus venir ? Annulez pour libérer votre place.</p>")
                .Append("<button type=\"submit\" class=\"danger\">").Append(view.Status == RegistrationStatus.Waitlisted ? "Quitter la liste d'attente" : "Annuler mon inscription").Append("</button></form>");
        }
        else if (view.Status == RegistrationStatus.Cancelled && evt.RegistrationState is RegistrationState.Open or RegistrationState.Waitlist)
        {
            html.Append("<p><a href=\"/api/events/").Append(Encode(evt.EventId)).Append("/register\">S'inscrire de nouveau</a></p>");
        }
        if (address is not null)
        {
            // JSON-encoded: quotes and < > & come out as \u escapes, safe inside a script element.
            html.Append("<script>history.replaceState(null, \"\", ").Append(System.Text.Json.JsonSerializer.Serialize(address)).Append(");</script>");
        }
        return Public(title, html.ToString());
    }

    private static string Practical(EventSummary evt) =>
        $"<p><strong>{Encode(evt.Title)}</strong><br>{Encode(EventRules.FormatParis(evt.StartsAt))} – {Encode(EventRules.FormatParis(evt.EndsAt, "HH'h'mm"))}<br>{Encode(evt.Venue)}, {Encode(evt.Address)}</p>";

    private static IResult NotFoundPage() =>
        Public("Événement introuvable", "<p>Cet événement n'existe pas ou n'est plus proposé.</p>", StatusCodes.Status404NotFound);

    private static IResult InvalidLinkPage(string? detail) =>
        Public("Lien non valide", $"<p class=\"notice danger\">{Encode(detail)}</p><p>Utilisez le lien complet reçu par e-mail. En cas de difficulté, écrivez aux organisateurs.</p>", StatusCodes.Status404NotFound);

    private static void Input(StringBuilder html, IReadOnlyDictionary<string, string[]>? errors, string name, string label, string? value, string type, string autocomplete, string? hint = null)
    {
        html.Append("<label for=\"").Append(name).Append("\">").Append(Encode(label)).Append("</label>");
        if (hint is not null)
        {
            html.Append("<p class=\"hint\" id=\"").Append(name).Append("-hint\">").Append(Encode(hint)).Append("</p>");
        }
        FieldError(html, errors, name);
        html.Append("<input id=\"").Append(name).Append("\" name=\"").Append(name).Append("\" type=\"").Append(type)
            .Append("\" autocomplete=\"").Append(autocomplete).Append("\" value=\"").Append(Encode(value)).Append("\" required")
            .Append(Describedby(errors, name, hint is not null)).Append(Invalid(errors, name)).Append('>');
    }

    private static void Select(StringBuilder html, IReadOnlyDictionary<string, string[]>? errors, string name, string label, string? value, IEnumerable<(string Value, string Label)> options)
    {
        html.Append("<label for=\"").Append(name).Append("\">").Append(Encode(label)).Append("</label>");
        FieldError(html, errors, name);
        html.Append("<select id=\"").Append(name).Append("\" name=\"").Append(name).Append("\" required").Append(Describedby(errors, name, false)).Append(Invalid(errors, name))
            .Append("><option value=\"\">Choisir…</option>");
        foreach (var (optionValue, optionLabel) in options)
        {
            html.Append("<option value=\"").Append(Encode(optionValue)).Append('"').Append(optionValue == value ? " selected" : "").Append('>').Append(Encode(optionLabel)).Append("</option>");
        }
        html.Append("</select>");
    }

    private static void FieldError(StringBuilder html, IReadOnlyDictionary<string, string[]>? errors, string name)
    {
        if (errors is not null && errors.TryGetValue(name, out var messages))
        {
            html.Append("<p class=\"field-error\" id=\"").Append(name).Append("-error\"><span class=\"visually-hidden\">Erreur : </span>").Append(Encode(string.Join(" ", messages))).Append("</p>");
        }
    }

    private static string Invalid(IReadOnlyDictionary<string, string[]>? errors, string name) =>
        errors is not null && errors.ContainsKey(name) ? " aria-invalid=\"true\"" : "";

    private static string Describedby(IReadOnlyDictionary<string, string[]>? errors, string name, bool hasHint)
    {
        var ids = new List<string>();
        if (hasHint)
        {
            ids.Add(name + "-hint");
        }
        if (errors is not null && errors.ContainsKey(name))
        {
            ids.Add(name + "-error");
        }
        return ids.Count == 0 ? "" : $" aria-describedby=\"{string.Join(' ', ids)}\"";
    }
}
