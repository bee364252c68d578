using System.Text;
using Microsoft.Extensions.Options;
using Microstructures.Core.Email;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Email;

// SendGrid Event Webhook, signed: public, its signature is its authentication. Settles e-mails whose
// sending outcome the app did not record.
public sealed class EmailEventsHttp(IOptions<SendGridOptions> options, EmailEventReconciler reconciler)
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
            return TypedResults.Problem(title: "Webhook not configured", detail: "Set SendGrid__WebhookPublicKey to accept provider events.", statusCode: StatusCodes.Status404NotFound);
        }
        var body = await request.ReadUtf8TextAsync(MaxBytes, "Le corps de la requête", cancellationToken);
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
        return TypedResults.Ok(await reconciler.ApplyAsync(events, cancellationToken));
    }
}
