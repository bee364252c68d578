using Microstructures.Core.Email;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Email;

// Queue outbound-email -> one e-mail through the provider. Safe to run twice for one message.
public static class SendEmailQueue
{
    public const string Name = "SendEmail";

    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/" + Name, HandleAsync);

    internal static async Task<IResult> HandleAsync(FunctionInvocation invocation, EmailDispatcher dispatcher, CancellationToken cancellationToken)
    {
        var text = invocation.GetString("message");
        var message = EmailOutbox.ParseQueueMessage(text)
            ?? throw new InvalidInvocationException("The outbound-email message is not {\"emailId\": \"...\"}.");
        var outcome = await dispatcher.DeliverAsync(message.EmailId, cancellationToken);
        return FunctionResults.Completed($"E-mail {message.EmailId}: {outcome} (delivery {invocation.GetDequeueCount()})");
    }
}
