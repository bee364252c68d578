using Azure;
using Microstructures.Core.Queues;
using Microstructures.Functions.Hosting;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Queues;

// The staff's view of failed queue messages, in Azure as locally: every "-poison" queue with its
// messages joined to their last recorded failure (QueueFailureMiddleware), and a replay of one message
// (by id) or of all back to the original queue. The page is a shell; its script reads these with the key.
public sealed class PoisonQueuesHttp(PoisonQueueService poison)
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
                return await poison.ReplayAsync(queue, messageId, cancellationToken)
                    ? TypedResults.Ok(new ReplayResult(queue, PoisonQueueService.OriginalOf(queue), 1))
                    : TypedResults.Problem(title: "Introuvable", detail: "Ce message n'est plus dans la file : il a déjà été rejoué ou supprimé.", statusCode: StatusCodes.Status404NotFound);
            }
            return TypedResults.Ok(new ReplayResult(queue, PoisonQueueService.OriginalOf(queue), await poison.ReplayAllAsync(queue, cancellationToken)));
        }
        catch (RequestFailedException ex) when (ex.Status is StatusCodes.Status404NotFound or StatusCodes.Status400BadRequest)
        {
            return NotFound(queue);
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string queue) =>
        TypedResults.Problem(title: "Introuvable", detail: $"Aucune file de messages en échec ne s'appelle « {queue} ».", statusCode: StatusCodes.Status404NotFound);
}
