using System.Text;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;
using Microstructures.Core.Email;
using Microstructures.Core.Registrations;
using Microstructures.Functions.Hosting;

namespace Microstructures.Functions.Email;

// Staff check of the e-mail configuration: sends a short French e-mail with a small attachment.
public sealed class SendTestEmailHttp(EmailOutbox outbox, IOptions<PublicSiteOptions> app)
{
    public sealed record TestEmailRequest(string? To);

    [Function("SendTestEmail")]
    [StaffAccess]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/manage/email/test")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var to = (await request.ReadJsonAsync<TestEmailRequest>(cancellationToken))?.To?.Trim();
        if (string.IsNullOrEmpty(to) || !EmailAddresses.IsValid(to))
        {
            return ResultHttpExtensions.Invalid("to", "Indiquez une adresse e-mail valide, par exemple prenom.nom@example.org.");
        }
        var id = await outbox.SendAsync(TestEmail(to, app.Value.Link("/api/health")), cancellationToken: cancellationToken);
        return TypedResults.Accepted((string?)null, new { emailId = id });
    }

    private static EmailMessage TestEmail(string to, Uri link) => new()
    {
        To = to,
        Subject = "Test d'envoi — plateforme des microstructures",
        Html = $"<p>Bonjour,</p><p>Cet e-mail confirme que l'envoi fonctionne. État de la plateforme : <a href=\"{link}\">{link}</a>.</p><p>L'équipe de la CNRMS</p>",
        Text = $"Bonjour,\n\nCet e-mail confirme que l'envoi fonctionne. État de la plateforme : {link}\n\nL'équipe de la CNRMS",
        Category = "test",
        Attachments = [new EmailAttachment("test.txt", "text/plain", Encoding.UTF8.GetBytes("Pièce jointe de test.\n"))],
    };
}
