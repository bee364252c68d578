using Microsoft.Extensions.Options;
using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Registrations;

// A printable QR code of the form's public address, for the programme and posters.
public sealed class RegistrationFormQrCodeHttp(IOptions<PublicSiteOptions> app)
{
    [Function("RegistrationFormQrCode")]
    [PublicAccess]
    public IResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/events/{eventId}/qr")] HttpRequest request,
        string eventId)
    {
        if (!EventRules.IsValidEventId(eventId))
        {
            return TypedResults.Problem(title: "Introuvable", detail: "Cet événement n'existe pas.", statusCode: StatusCodes.Status404NotFound);
        }
        var png = RegistrationEmails.Qr(app.Value.Link($"/api/events/{eventId}/register").ToString());
        return TypedResults.File(png, "image/png", $"inscription-{eventId}.png");
    }
}
