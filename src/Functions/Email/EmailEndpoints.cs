using System.Text;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;
using Microstructures.Core.Email;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Email;

public static class EmailEndpoints
{
    public static void MapEmailEndpoints(this IEndpointRouteBuilder app, RouteGroupBuilder manage)
    {
        SendEmailQueue.Map(app);
        SweepPendingEmailsTimer.Map(app);
        app.MapPost("/api/email/events", ReceiveProviderEventsAsync);
        manage.MapPost("/email/test", SendTestEmailAsync);
    }

    public sealed record TestEmailRequest(string? To);

    // Staff check of the e-mail configuration: sends a short French e-mail with a small attachment.
    internal static async Task<IResult> SendTestEmailAsync(TestEmailRequest? request, EmailOutbox outbox, IOptions<AppOptions> app, CancellationToken cancellationToken)
    {
        var to = request?.To?.Trim();
        if (string.IsNullOrEmpty(to) || !EmailAddresses.IsValid(to))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["to"] = ["Indiquez une adresse e-mail valide, par exemple prenom.nom@example.org."] },
                title: "Requête invalide");
        }
        var link = app.Value.Link("/api/health");
        var id = await outbox.SendAsync(new EmailMessage
        {
            To = to,
            Subject = "Test d'envoi — plateforme des microstructures",
            Html = $"<p>Bonjour,</p><p>Cet e-mail confirme que l'envoi fonctionne. État de la plateforme : <a href=\"{link}\">{link}</a>.</p><p>L'équipe de la CNRMS</p>",
            Text = $"Bonjour,\n\nCet e-mail confirme que l'envoi fonctionne. État de la plateforme : {link}\n\nL'équipe de la CNRMS",
            Category = "test",
            Attachments = [new EmailAttachment("test.txt", "text/plain", Encoding.UTF8.GetBytes("Pièce jointe de test.\n"))],
        }, cancellationToken: cancellationToken);
        return TypedResults.Accepted((string?)null, new { emailId = id });
    }

    // SendGrid Event Webhook (signed). Settles e-mails whose sending outcome the app did not record.
    internal static async Task<IResult> ReceiveProviderEventsAsync(HttpRequest request, IOptions<SendGridOptions> options, EmailEventReconciler reconciler, CancellationToken cancellationToken)
    {
        if (options.Value.WebhookPublicKey is not { Length: > 0 } publicKey)
        {
            return TypedResults.Problem(title: "Webhook not configured", detail: "Set SendGrid__WebhookPublicKey to accept provider events.", statusCode: StatusCodes.Status404NotFound);
        }
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        if (!EmailEventReconciler.VerifySignature(publicKey,
                request.Headers["X-Twilio-Email-Event-Webhook-Timestamp"].FirstOrDefault(), body,
                request.Headers["X-Twilio-Email-Event-Webhook-Signature"].FirstOrDefault()))
        {
            return TypedResults.Problem(title: "Invalid signature", statusCode: StatusCodes.Status401Unauthorized);
        }
        if (EmailEventReconciler.Parse(body) is not { } events)
        {
            return TypedResults.Problem(title: "Body is not a JSON array of events", statusCode: StatusCodes.Status400BadRequest);
        }
        var report = await reconciler.ApplyAsync(events, cancellationToken);
        return TypedResults.Ok(report);
    }
}
