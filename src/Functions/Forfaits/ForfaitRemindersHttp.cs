using Microstructures.Core.Forfaits;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Forfaits;

// GET /api/manage/forfaits/reminders/preview?date=AAAA-MM-JJ (staff): what a run on that date would
// send, to whom, and what it would skip, without writing or sending anything (today when no date).
public sealed class ForfaitRemindersHttp(ForfaitReminderPreview preview, TimeProvider time)
{
    [Function("ForfaitRemindersPreview")]
    [StaffAccess]
    public async Task<IResult> PreviewAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/forfaits/reminders/preview")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ForfaitHttp.TryReadDate(request, time, out var date)
            ? TypedResults.Ok(await preview.PreviewAsync(date, cancellationToken))
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["date"] = ["Indiquez la date au format AAAA-MM-JJ, par exemple 2026-03-15."] }, title: "Requête invalide");
}
