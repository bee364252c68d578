using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microstructures.Core.Common;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Microstructures.Core.Email;

public sealed partial class SendGridEmailSender(ISendGridClient client, IOptions<EmailOptions> options, ILogger<SendGridEmailSender> logger) : IEmailSender
{
    public const string EmailIdArg = "email_id";

    public async Task<EmailSendResult> SendAsync(string emailId, EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return await SendMessageAsync(ToSendGridMessage(emailId, message, options.Value), emailId, cancellationToken);
    }

    public async Task<EmailSendResult> SendBatchAsync(EmailBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return await SendMessageAsync(ToSendGridBatch(batch, options.Value), $"batch of {batch.Recipients.Count} ({batch.Category})", cancellationToken);
    }

    private async Task<EmailSendResult> SendMessageAsync(SendGridMessage mail, string what, CancellationToken cancellationToken)
    {
        Response response;
        try
        {
            response = await client.SendEmailAsync(mail, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            LogNetworkFailure(logger, ex, what);
            return new EmailSendResult(EmailSendStatus.Transient, Detail: ex.Message);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new EmailSendResult(EmailSendStatus.Transient, Detail: "timeout: " + ex.Message);
        }

        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var providerId = response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null;
            return new EmailSendResult(EmailSendStatus.Accepted, providerId, status);
        }
        var body = await response.Body.ReadAsStringAsync(cancellationToken);
        var transient = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || status >= 500;
        return new EmailSendResult(transient ? EmailSendStatus.Transient : EmailSendStatus.Permanent, null, status, body);
    }

    // One personalization per recipient, each with its own substitutions, headers and custom args.
    internal static SendGridMessage ToSendGridBatch(EmailBatch batch, EmailOptions options)
    {
        if (batch.Recipients.Count is 0 or > EmailBatch.MaxRecipients)
        {
            throw new ArgumentException($"A batch holds 1 to {EmailBatch.MaxRecipients} recipients; got {batch.Recipients.Count}.", nameof(batch));
        }
        if (batch.Recipients.GroupBy(r => r.To, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new ArgumentException($"A batch names each address once; {duplicate.Key} is there {duplicate.Count()} times.", nameof(batch));
        }
        var mail = new SendGridMessage
        {
            From = new EmailAddress(options.FromAddress, OneLine(options.FromName)),
            Subject = OneLine(batch.Subject),
            HtmlContent = batch.Html,
            PlainTextContent = batch.Text,
            Personalizations = batch.Recipients.Select(r => new Personalization
            {
                Tos = [new EmailAddress(r.To)],
                Substitutions = r.Substitutions.Count == 0 ? null : new Dictionary<string, string>(r.Substitutions),
                Headers = r.Headers.Count == 0 ? null : OneLine(r.Headers),
                CustomArgs = r.CustomArgs.Count == 0 ? null : new Dictionary<string, string>(r.CustomArgs),
            }).ToList(),
        };
        mail.SetClickTracking(false, false);
        mail.SetOpenTracking(false);
        mail.SetSubscriptionTracking(false);
        mail.AddCategory(batch.Category);
        if (batch.Headers.Count > 0)
        {
            mail.AddGlobalHeaders(OneLine(batch.Headers));
        }
        if (batch.CustomArgs.Count > 0)
        {
            mail.AddGlobalCustomArgs(new Dictionary<string, string>(batch.CustomArgs));
        }
        return mail;
    }

    internal static SendGridMessage ToSendGridMessage(string emailId, EmailMessage message, EmailOptions options)
    {
        var mail = new SendGridMessage
        {
            From = new EmailAddress(options.FromAddress, OneLine(options.FromName)),
            Subject = OneLine(message.Subject),
            HtmlContent = message.Html,
            PlainTextContent = message.Text,
        };
        mail.AddTo(new EmailAddress(message.To, message.ToName is null ? null : OneLine(message.ToName)));
        if (message.ReplyTo is { Length: > 0 } replyTo)
        {
            mail.SetReplyTo(new EmailAddress(replyTo));
        }
        // Tracking rewrites our signed links, needs consent, and adds a second unsubscribe header.
        mail.SetClickTracking(false, false);
        mail.SetOpenTracking(false);
        mail.SetSubscriptionTracking(false);
        mail.AddCustomArg(EmailIdArg, emailId);
        mail.AddCategory(message.Category);
        foreach (var (name, value) in message.Headers)
        {
            mail.AddHeader(name, OneLine(value));
        }
        foreach (var attachment in message.Attachments)
        {
            mail.AddAttachment(new Attachment
            {
                Filename = attachment.FileName,
                Type = attachment.ContentType,
                Content = Convert.ToBase64String(attachment.Content),
                Disposition = attachment.ContentId is null ? "attachment" : "inline",
                ContentId = attachment.ContentId,
            });
        }
        return mail;
    }

    // Whatever a subject, a name or a header value was built from, it reaches the provider on one line.
    private static string OneLine(string text) => TextFields.OneLine(text);

    private static Dictionary<string, string> OneLine(IReadOnlyDictionary<string, string> headers) =>
        headers.ToDictionary(h => h.Key, h => OneLine(h.Value), StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Network failure sending e-mail {EmailId}")]
    private static partial void LogNetworkFailure(ILogger logger, Exception exception, string emailId);
}
