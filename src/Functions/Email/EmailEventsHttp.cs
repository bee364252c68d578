using System.Text;
using Microsoft.Extensions.Options;
using Microstructures.Core.Email;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Email;

// SendGrid Event Webhook, signed: public, its signature is its authentication. Settles e-mails whose
// sending outcome the app did not record. Refused: a bad signature, a signed timestamp outside the
// window (SendGrid__WebhookMaxAge back, five minutes ahead), a body of the wrong shape or with an invalid
// key (400 naming the event and the field); a payload posted again is applied once.
public sealed class EmailEventsHttp(IOptions<SendGridOptions> options, EmailEventReconciler reconciler, TimeProvider time)
{
    // SendGrid posts events in batches well under this.
    public const int MaxBytes = 4 * 1024 * 1024;

    [Function("EmailEvents")]
    [PublicAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/email/events")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (options.Value.WebhookPublicKey is not { Length: > 0 } publicKey)
        {
            return TypedResults.Problem(title: "Webhook non configuré", detail: "Renseignez SendGrid__WebhookPublicKey pour accepter les événements du fournisseur.", statusCode: StatusCodes.Status404NotFound);
        }
        var body = await request.ReadUtf8TextAsync(MaxBytes, "Le corps de la requête", cancellationToken);
        var timestamp = request.Headers["X-Twilio-Email-Event-Webhook-Timestamp"].FirstOrDefault();
        if (!EmailEventReconciler.VerifySignature(publicKey, timestamp, body, request.Headers["X-Twilio-Email-Event-Webhook-Signature"].FirstOrDefault()))
        {
            return TypedResults.Problem(title: "Signature non valide", statusCode: StatusCodes.Status401Unauthorized);
        }
        if (!EmailEventReconciler.IsWithinWindow(timestamp, time.GetUtcNow(), options.Value.WebhookMaxAge))
        {
            return TypedResults.Problem(title: "Horodatage refusé", detail: "L'horodatage signé est trop ancien ou dans le futur.", statusCode: StatusCodes.Status401Unauthorized);
        }
        var events = EmailEventReconciler.ParseEvents(body);
        return events.IsSuccess
            ? TypedResults.Ok(await reconciler.ApplyAsync(events.Value!, cancellationToken))
            : events.ToHttp();
    }
}
