using Azure;
using Microstructures.Core.Audit;
using Microstructures.Core.Queues;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Queues;

// The staff's view of failed queue messages, in Azure as locally: every "-poison" queue with its
// messages joined to their last recorded failure (QueueFailureMiddleware), and a replay of one message
// (by id) or of all back to the original queue, recorded in the audit trail under the poison queue's name.
// The page is a shell; its script reads these with the key.
public sealed class PoisonQueuesHttp(PoisonQueueService poison, AuditTrail audit)
{
    public const string PageHref = "/api/manage/queues";

    public sealed record ReplayInput(string? MessageId);

    public sealed record ReplayResult(string Queue, string OriginalQueue, int Replayed);

    [Function("ManageQueuesPage")]
    [StaffPage]
    public static IResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/queues")] HttpRequest request) =>
        PageResults.Page(PoisonQueuesPage.Create());

    [Function("ManagePoisonQueues")]
    [StaffAccess]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/manage/queues/poison")] HttpRequest request,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await poison.ListAsync(cancellationToken));

    // {"messageId": "..."} replays that message; an empty body or no id replays every message of the queue.
    [Function("ReplayPoisonMessages")]
    [StaffAccess]
    public async Task<IResult> ReplayAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/queues/{queue}/replay")] HttpRequest request,
        string queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!queue.EndsWith(PoisonQueueService.Suffix, StringComparison.Ordinal) || queue.Length == PoisonQueueService.Suffix.Length)
        {
            return NotFound(queue);
        }
        var input = await request.ReadJsonAsync<ReplayInput>(cancellationToken);
        try
        {
            if (input?.MessageId is { Length: > 0 } messageId)
            {
                if (!await poison.ReplayAsync(queue, messageId, cancellationToken))
                {
                    return TypedResults.Problem(title: "Introuvable", detail: "Ce message n'est plus dans la file : il a déjà été rejoué ou supprimé.", statusCode: StatusCodes.Status404NotFound);
                }
                await audit.RecordAsync(AuditEntityTypes.PoisonQueue, queue, Actor.Staff, "replayed", null, new { MessageId = messageId, Replayed = 1 }, cancellationToken);
                return TypedResults.Ok(new ReplayResult(queue, PoisonQueueService.OriginalOf(queue), 1));
            }
            var replayed = await poison.ReplayAllAsync(queue, cancellationToken);
            if (replayed > 0)
            {
                await audit.RecordAsync(AuditEntityTypes.PoisonQueue, queue, Actor.Staff, "replayed", null, new { MessageId = "*", Replayed = replayed }, cancellationToken);
            }
            return TypedResults.Ok(new ReplayResult(queue, PoisonQueueService.OriginalOf(queue), replayed));
        }
        catch (RequestFailedException ex) when (ex.Status is StatusCodes.Status404NotFound or StatusCodes.Status400BadRequest)
        {
            return NotFound(queue);
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string queue) =>
        TypedResults.Problem(title: "Introuvable", detail: $"Aucune file de messages en échec ne s'appelle « {queue} ».", statusCode: StatusCodes.Status404NotFound);
}
