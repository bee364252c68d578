using Microsoft.Extensions.Options;
using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Registrations;

public static class RegistrationEndpoints
{
    public static void MapRegistrationEndpoints(this IEndpointRouteBuilder app, RouteGroupBuilder manage)
    {
        StaffNavigation.Add("/api/manage/events", "Événements");
        manage.MapPut("/events/{eventId}", PutEventAsync);
        manage.MapGet("/events/{eventId}", GetEventForStaffAsync);
        app.MapGet("/api/events/{eventId}", GetEventAsync);
        app.MapPost("/api/events/{eventId}/registrations", RegisterAsync);
        app.MapGet("/api/events/{eventId}/register", RegistrationPages.ShowFormAsync);
        app.MapPost("/api/events/{eventId}/register", RegistrationPages.SubmitFormAsync);
        app.MapGet("/api/events/{eventId}/qr", GetFormQrCode);
        app.MapGet("/api/events/{eventId}/registrations/{registrationId}/manage", RegistrationPages.ShowManageAsync);
        app.MapPost("/api/events/{eventId}/registrations/{registrationId}/manage", RegistrationPages.CancelFromManageAsync);
        app.MapGet("/api/events/{eventId}/registrations/{registrationId}/certificate", RegistrationPages.ShowCertificateAsync);
        app.MapPost("/api/events/{eventId}/registrations/{registrationId}/certificate", RegistrationPages.SendCertificateAsync);
        StaffRegistrationEndpoints.Map(app, manage);
        RemindAttendeesTimer.Map(app);
        RegistrationEmailFunctions.Map(app);
        PurgeRegistrationsTimer.Map(app);
        CheckinEndpoints.Map(app, manage);
        StaffEventsPage.Map(app, manage);
    }

    internal static async Task<IResult> PutEventAsync(string eventId, EventInput? input, RegistrationService service, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await service.PutEventAsync(eventId, input, cancellationToken), summary => TypedResults.Ok(summary));

    internal static async Task<IResult> GetEventForStaffAsync(string eventId, RegistrationService service, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await service.GetSummaryAsync(eventId, cancellationToken), summary => TypedResults.Ok(summary));

    internal static async Task<IResult> GetEventAsync(string eventId, RegistrationService service, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await service.GetSummaryAsync(eventId, cancellationToken), summary => TypedResults.Ok(summary));

    internal static async Task<IResult> RegisterAsync(string eventId, RegistrationForm form, HttpContext context, RegistrationRateLimiter limiter, RegistrationService service, CancellationToken cancellationToken)
    {
        if (!limiter.TryAcquire(RegistrationHttp.ClientIp(context), form.Input.Email))
        {
            return RegistrationHttp.TooManyRequests();
        }
        var result = await service.RegisterAsync(eventId, form.Input, cancellationToken: cancellationToken);
        return RegistrationHttp.Map(result, RegistrationHttp.RegistrationAnswer);
    }

    // A printable QR code of the form's public address, for the programme and posters.
    internal static IResult GetFormQrCode(string eventId, IOptions<AppOptions> app)
    {
        if (!EventRules.IsValidEventId(eventId))
        {
            return TypedResults.Problem(title: "Introuvable", detail: "Cet événement n'existe pas.", statusCode: StatusCodes.Status404NotFound);
        }
        var png = RegistrationEmails.Qr(app.Value.Link($"/api/events/{eventId}/register").ToString());
        return TypedResults.File(png, "image/png", $"inscription-{eventId}.png");
    }
}
