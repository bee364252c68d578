using Microsoft.Extensions.Logging;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;
using Microstructures.Core.Email;

namespace Microstructures.Core.Newsletter;

public sealed record TestSendReport(IReadOnlyList<string> EmailIds);

// The staff's work on issues: write (draft), preview, send a test, mark ready. One issue per month.
// A draft or ready issue can be edited (an edit makes it a draft again: it must be checked again); once
// its campaign starts it is locked. Marking ready checks what the send needs: subject, body, its month
// not past, links and images the renderer accepts, images that exist.
public sealed partial class IssueService(
    IssueStore store, IssueComposer composer, IssueRenderer renderer, NewsletterImages images, NewsletterLinks links, SubscriberIds ids, EmailOutbox outbox,
    TimeProvider time, ILogger<IssueService> logger)
{
    public const int MaxSubjectLength = 150;
    public const int MaxBodyLength = 100_000;
    public const int MaxTestRecipients = 10;

    private const string MonthInvalid = "Indiquez le mois au format AAAA-MM, par exemple 2026-03.";
    private const string Locked = "Ce numéro est en cours d'envoi ou envoyé : il ne peut plus être modifié.";

    public async Task<IReadOnlyList<IssueSummary>> ListAsync(CancellationToken cancellationToken = default) =>
        (await store.ListAsync(cancellationToken))
            .OrderByDescending(i => i.RowKey, StringComparer.Ordinal)
            .Select(i => new IssueSummary(NewsletterMonth.Parse(i.RowKey), i.Subject, i.StatusValue(), i.UpdatedAt, i.SentAt))
            .ToList();

    public async Task<Result<Issue>> GetAsync(string? month, CancellationToken cancellationToken = default)
    {
        if (!NewsletterMonth.TryParse(month, out var m))
        {
            return new ValidationErrors().Add("month", MonthInvalid);
        }
        return await store.GetAsync(m, cancellationToken) is { } entity
            ? Result<Issue>.Success(await ToIssueAsync(entity, cancellationToken))
            : Result<Issue>.NotFound(NotFound(m));
    }

    // Creates the month's issue or replaces its subject and body.
    public async Task<Result<Issue>> SaveAsync(string? month, IssueInput? input, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        input ??= new IssueInput(null, null);
        var errors = new ValidationErrors();
        if (!NewsletterMonth.TryParse(month, out var m))
        {
            errors.Add("month", MonthInvalid);
        }
        var subject = input.Subject?.Trim() ?? "";
        if (subject.Length > MaxSubjectLength || subject.Any(char.IsControl))
        {
            errors.Add("subject", $"Écrivez l'objet sur une ligne, en {MaxSubjectLength} caractères au plus.");
        }
        var body = input.Body ?? "";
        if (body.Length > MaxBodyLength)
        {
            errors.Add("body", "Le contenu ne doit pas dépasser 100 000 caractères.");
        }
        if (!errors.IsEmpty)
        {
            return errors;
        }
        var blob = await store.WriteBodyAsync(body, cancellationToken);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var now = time.GetUtcNow();
            var entity = await store.GetAsync(m, cancellationToken);
            if (entity is null)
            {
                entity = new IssueEntity { RowKey = m.ToString(), Subject = subject, BodyBlob = blob, CreatedAt = now, UpdatedAt = now };
                if (await store.TryAddAsync(entity, cancellationToken))
                {
                    LogSaved(m.ToString(), actor.Id);
                    return Result<Issue>.Success(await ToIssueAsync(entity, cancellationToken));
                }
                continue;
            }
            if (entity.StatusValue() is IssueStatus.Sending or IssueStatus.Sent)
            {
                return Result<Issue>.Conflict(Locked);
            }
            entity.Subject = subject;
            entity.BodyBlob = blob;
            entity.Status = nameof(IssueStatus.Draft);
            entity.ReadyAt = null;
            entity.UpdatedAt = now;
            if (await store.TryUpdateAsync(entity, cancellationToken))
            {
                LogSaved(m.ToString(), actor.Id);
                return Result<Issue>.Success(await ToIssueAsync(entity, cancellationToken));
            }
        }
        return Result<Issue>.Conflict("Ce numéro vient d'être modifié par ailleurs : rechargez-le.");
    }

    public async Task<Result<Issue>> MarkReadyAsync(string? month, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var loaded = await LoadEditableAsync(month, cancellationToken);
        if (loaded.Entity is null)
        {
            return loaded.Refusal!;
        }
        var (entity, m) = (loaded.Entity, loaded.Month);
        var body = await store.ReadBodyAsync(entity, cancellationToken);
        var errors = new ValidationErrors();
        if (m < NewsletterMonth.Of(time.GetUtcNow()))
        {
            errors.Add("month", $"{Capitalize(m.Label)} est passé : une lettre ne part que pendant son mois.");
        }
        if (string.IsNullOrWhiteSpace(entity.Subject))
        {
            errors.Add("subject", "Indiquez l'objet de la lettre.");
        }
        if (string.IsNullOrWhiteSpace(body))
        {
            errors.Add("body", "Écrivez le contenu de la lettre.");
        }
        var rendered = composer.ForWeb(m, entity.Subject, body).Body;
        foreach (var problem in rendered.Problems)
        {
            errors.Add("body", problem);
        }
        foreach (var image in rendered.ImageIds)
        {
            if (!await images.ExistsAsync(image, cancellationToken))
            {
                errors.Add("body", $"L'image {image} n'existe pas sur la plateforme : téléversez-la à nouveau.");
            }
        }
        if (!errors.IsEmpty)
        {
            return errors;
        }
        entity.Status = nameof(IssueStatus.Ready);
        entity.ReadyAt = time.GetUtcNow();
        if (!await store.TryUpdateAsync(entity, cancellationToken))
        {
            return Result<Issue>.Conflict("Ce numéro vient d'être modifié par ailleurs : rechargez-le.");
        }
        LogReady(m.ToString(), actor.Id);
        return Result<Issue>.Success(ToIssue(entity, body));
    }

    public async Task<Result<Issue>> ReturnToDraftAsync(string? month, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var loaded = await LoadEditableAsync(month, cancellationToken);
        if (loaded.Entity is not { } entity)
        {
            return loaded.Refusal!;
        }
        entity.Status = nameof(IssueStatus.Draft);
        entity.ReadyAt = null;
        entity.UpdatedAt = time.GetUtcNow();
        return await store.TryUpdateAsync(entity, cancellationToken)
            ? Result<Issue>.Success(await ToIssueAsync(entity, cancellationToken))
            : Result<Issue>.Conflict(Locked);
    }

    public async Task<Result<Issue>> DeleteAsync(string? month, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var loaded = await LoadEditableAsync(month, cancellationToken);
        if (loaded.Entity is not { } entity)
        {
            return loaded.Refusal!;
        }
        var issue = await ToIssueAsync(entity, cancellationToken);
        return await store.TryDeleteAsync(entity, cancellationToken) ? Result<Issue>.Success(issue) : Result<Issue>.Conflict(Locked);
    }

    // As a subscriber gets it, with a sample unsubscribe link; Problems says what marking it ready would refuse.
    public async Task<Result<IssuePreview>> PreviewAsync(string? month, CancellationToken cancellationToken = default)
    {
        var found = await GetAsync(month, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Kind == ResultKind.Invalid ? Result<IssuePreview>.Invalid(found.Errors) : Result<IssuePreview>.NotFound(found.Detail!);
        }
        var issue = found.Value!;
        var composed = composer.ForEmail(issue.Month, issue.Subject, issue.Body, links.Unsubscribe(new string('0', 32)).ToString());
        return Result<IssuePreview>.Success(new IssuePreview(issue.Subject, composed.Html, composed.Text, composed.Body.Problems, renderer.Render(issue.Body, inlineStyles: false).Html));
    }

    // A test to given addresses through the ordinary e-mail path (not the campaign's): exactly what a
    // subscriber gets, subject marked [Test], with the address' own working unsubscribe link.
    public async Task<Result<TestSendReport>> SendTestAsync(string? month, IReadOnlyList<string>? addresses, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var to = (addresses ?? []).Select(a => a?.Trim() ?? "").Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (to.Count is 0 or > MaxTestRecipients || to.Any(a => !EmailAddresses.IsValid(a)))
        {
            return new ValidationErrors().Add("to", $"Indiquez entre 1 et {MaxTestRecipients} adresses e-mail valides, par exemple prenom.nom@example.org.");
        }
        var found = await GetAsync(month, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Kind == ResultKind.Invalid ? Result<TestSendReport>.Invalid(found.Errors) : Result<TestSendReport>.NotFound(found.Detail!);
        }
        var issue = found.Value!;
        var emailIds = new List<string>();
        foreach (var address in to.Select(EmailAddresses.Normalize))
        {
            var unsubscribe = links.Unsubscribe(ids.For(address)).ToString();
            var composed = composer.ForEmail(issue.Month, issue.Subject, issue.Body, unsubscribe);
            emailIds.Add(await outbox.SendAsync(new EmailMessage
            {
                To = address,
                Subject = "[Test] " + (issue.Subject.Length > 0 ? issue.Subject : composed.Title),
                Html = composed.Html,
                Text = composed.Text,
                Category = NewsletterEmails.TestCategory,
                Headers = NewsletterLinks.UnsubscribeHeaders(unsubscribe),
            }, cancellationToken: cancellationToken));
        }
        LogTest(issue.Month.ToString(), to.Count, actor.Id);
        return Result<TestSendReport>.Success(new TestSendReport(emailIds));
    }

    private async Task<(IssueEntity? Entity, NewsletterMonth Month, Result<Issue>? Refusal)> LoadEditableAsync(string? month, CancellationToken cancellationToken)
    {
        if (!NewsletterMonth.TryParse(month, out var m))
        {
            return (null, default, new ValidationErrors().Add("month", MonthInvalid));
        }
        var entity = await store.GetAsync(m, cancellationToken);
        if (entity is null)
        {
            return (null, m, Result<Issue>.NotFound(NotFound(m)));
        }
        return entity.StatusValue() is IssueStatus.Sending or IssueStatus.Sent ? (null, m, Result<Issue>.Conflict(Locked)) : (entity, m, null);
    }

    private async Task<Issue> ToIssueAsync(IssueEntity entity, CancellationToken cancellationToken) =>
        ToIssue(entity, await store.ReadBodyAsync(entity, cancellationToken));

    private static Issue ToIssue(IssueEntity e, string body) =>
        new(NewsletterMonth.Parse(e.RowKey), e.Subject, body, e.StatusValue(), e.CreatedAt, e.UpdatedAt, e.ReadyAt, e.SendingAt, e.SentAt);

    private static string NotFound(NewsletterMonth month) => $"Aucun numéro pour {month.Label}.";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    [LoggerMessage(LogLevel.Information, "Newsletter issue {Month} saved by {Actor}")]
    private partial void LogSaved(string month, string actor);

    [LoggerMessage(LogLevel.Information, "Newsletter issue {Month} marked ready by {Actor}")]
    private partial void LogReady(string month, string actor);

    [LoggerMessage(LogLevel.Information, "Newsletter issue {Month}: test sent to {Count} addresses by {Actor}")]
    private partial void LogTest(string month, int count, string actor);
}
