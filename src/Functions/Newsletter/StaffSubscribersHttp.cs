using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Newsletter;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Newsletter;

public sealed record EraseInput(string? Email);

// The staff's subscriber list: search, CSV export for French Excel, import of an existing list of
// professional contacts, erasure on request (the hashed suppression stays).
public sealed class StaffSubscribersHttp(SubscriberAdministration administration, SubscriberImport import)
{
    private const string Base = "api/manage/newsletter/subscribers";
    public const int MaxImportBytes = 4 * 1024 * 1024;

    // ?search=&status=Active|Pending|Unsubscribed|Bounced|Complained&skip=&take=
    [Function("ManageSubscribers")]
    [StaffAccess]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Base)] HttpRequest request, CancellationToken cancellationToken)
    {
        var query = ReadQuery(request, out var errors);
        return (query is null ? errors : await administration.ListAsync(query, cancellationToken)).ToHttp(page => TypedResults.Ok(StaffNewsletterJson.Subscribers(page)));
    }

    [Function("ExportSubscribers")]
    [StaffAccess]
    public async Task<IResult> ExportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Base + ".csv")] HttpRequest request, CancellationToken cancellationToken)
    {
        var query = ReadQuery(request, out var errors);
        return query is null
            ? errors.ToHttp()
            : TypedResults.File(await administration.ExportCsvAsync(query with { Skip = 0, Take = int.MaxValue }, cancellationToken), "text/csv; charset=utf-8", "abonnes-lettre-information.csv");
    }

    // The CSV file is the raw body, as the staff page's file upload sends it; ?source= says where the list comes from.
    [Function("ImportSubscribers")]
    [StaffAccess]
    public async Task<IResult> ImportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Base + "/import")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var content = await StaffUploads.ReadAtMostAsync(request, MaxImportBytes, cancellationToken);
        return content is null
            ? StaffUploads.TooLarge("Le fichier dépasse 4 Mo\u00A0: découpez-le.")
            : (await import.ImportAsync(content, request.QueryValue("source"), Actor.Staff, cancellationToken)).ToHttp();
    }

    // {"email": "..."}: erasure on request.
    [Function("EraseSubscriber")]
    [StaffAccess]
    public async Task<IResult> EraseAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Base + "/erase")] HttpRequest request, CancellationToken cancellationToken) =>
        (await administration.EraseAsync((await request.ReadJsonAsync<EraseInput>(cancellationToken))?.Email, Actor.Staff, cancellationToken)).ToHttp();

    private static SubscriberQuery? ReadQuery(HttpRequest request, out Result<SubscriberPage> errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new ValidationErrors();
        SubscriberStatus? status = null;
        if (request.QueryValue("status") is { Length: > 0 } text)
        {
            if (Enum.TryParse<SubscriberStatus>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(text, out _))
            {
                status = parsed;
            }
            else
            {
                problems.Add("status", "Statut inconnu : Active, Pending, Unsubscribed, Bounced ou Complained.");
            }
        }
        var skip = Number(request, "skip", 0, problems);
        var take = Number(request, "take", 100, problems);
        errors = problems;
        return problems.IsEmpty ? new SubscriberQuery(request.QueryValue("search"), status, skip, take) : null;
    }

    private static int Number(HttpRequest request, string name, int fallback, ValidationErrors problems)
    {
        var text = request.QueryValue(name);
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        problems.Add(name, "Indiquez un nombre entier positif.");
        return fallback;
    }
}
