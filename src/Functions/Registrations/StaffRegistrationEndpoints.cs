using Microstructures.Core.Registrations;

namespace Microstructures.Functions.Registrations;

// Staff API (staff key): list, search, export, counts, register or cancel on someone's behalf.
public static class StaffRegistrationEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder manage)
    {
        manage.MapGet("/events/{eventId}/registrations", ListAsync);
        manage.MapPost("/events/{eventId}/registrations", RegisterOnBehalfAsync);
        manage.MapGet("/events/{eventId}/registrations.csv", ExportAsync);
        manage.MapGet("/events/{eventId}/counts", CountAsync);
        manage.MapPost("/events/{eventId}/registrations/{registrationId}/cancel", CancelOnBehalfAsync);
        manage.MapPost("/events/{eventId}/messages", SendMessageAsync);
        manage.MapPut("/events/{eventId}/registrations/{registrationId}", EditOnBehalfAsync);
    }

    internal static async Task<IResult> EditOnBehalfAsync(string eventId, string registrationId, RegistrationForm form, RegistrationService service, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await service.EditAsync(eventId, registrationId, form.Input, cancellationToken), view => TypedResults.Ok(view));

    internal static async Task<IResult> SendMessageAsync(string eventId, OrganiserMessageInput? input, OrganiserMessages messages, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await messages.SendAsync(eventId, input, cancellationToken), report => TypedResults.Accepted((string?)null, report));

    internal static async Task<IResult> ListAsync(string eventId, string? q, RegistrationReports reports, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await reports.ListAsync(eventId, q, cancellationToken), rows => TypedResults.Ok(rows));

    // Someone who phoned: no rate limit, allowed outside the public registration window.
    internal static async Task<IResult> RegisterOnBehalfAsync(string eventId, RegistrationForm form, RegistrationService service, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await service.RegisterAsync(eventId, form.Input, "staff", cancellationToken), RegistrationHttp.RegistrationAnswer);

    internal static async Task<IResult> ExportAsync(string eventId, RegistrationReports reports, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await reports.ExportCsvAsync(eventId, cancellationToken),
            csv => TypedResults.File(csv, "text/csv; charset=utf-8", $"inscriptions-{eventId}.csv"));

    internal static async Task<IResult> CountAsync(string eventId, RegistrationReports reports, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await reports.CountAsync(eventId, cancellationToken), counts => TypedResults.Ok(counts));

    internal static async Task<IResult> CancelOnBehalfAsync(string eventId, string registrationId, RegistrationService service, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await service.CancelAsync(eventId, registrationId, cancellationToken), view => TypedResults.Ok(view));
}
