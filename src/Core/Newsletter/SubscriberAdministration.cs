using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Extensions.Logging;
using Microstructures.Core.Audit;
using Microstructures.Core.Common;

namespace Microstructures.Core.Newsletter;

public sealed record SubscriberQuery(string? Search = null, SubscriberStatus? Status = null, int Skip = 0, int Take = 100);

public sealed record SubscriberPage(int Total, IReadOnlyDictionary<SubscriberStatus, int> Counts, IReadOnlyList<Subscriber> Items);

public sealed record ErasureReport(bool Existed);

// The staff's view of the list: search, export, erasure on request. Reads the whole list (one
// partition, tens of thousands of rows at most) and filters in memory.
public sealed partial class SubscriberAdministration(SubscriberStore subscribers, SuppressionStore suppressions, SubscriberIds ids, ILogger<SubscriberAdministration> logger)
{
    public const int MaxTake = 500;
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public async Task<Result<SubscriberPage>> ListAsync(SubscriberQuery? query, CancellationToken cancellationToken = default)
    {
        query ??= new SubscriberQuery();
        if (query.Skip < 0 || query.Take is < 1 or > MaxTake)
        {
            return new ValidationErrors().Add("take", $"Demandez entre 1 et {MaxTake} abonnés à partir d'une position positive.");
        }
        var all = await LoadAsync(cancellationToken);
        var counts = Enum.GetValues<SubscriberStatus>().ToDictionary(s => s, s => all.Count(r => r.Status == s));
        var matching = Filter(all, query).ToList();
        return Result<SubscriberPage>.Success(new SubscriberPage(matching.Count, counts, matching.Skip(query.Skip).Take(query.Take).ToList()));
    }

    // UTF-8 with BOM and ';' so that a double click opens it cleanly in French Excel.
    public async Task<byte[]> ExportCsvAsync(SubscriberQuery? query = null, CancellationToken cancellationToken = default)
    {
        var rows = Filter(await LoadAsync(cancellationToken), query ?? new SubscriberQuery());
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = new CsvWriter(writer, new CsvConfiguration(French) { Delimiter = ";", InjectionOptions = InjectionOptions.Escape }))
        {
            foreach (var header in new[] { "E-mail", "Statut", "Origine", "Détail de l'origine", "Base légale", "Créé le", "Consentement le", "Version du consentement", "Dernière interaction" })
            {
                csv.WriteField(header);
            }
            csv.NextRecord();
            foreach (var r in rows)
            {
                csv.WriteField(r.Email);
                csv.WriteField(StatusLabel(r.Status));
                csv.WriteField(SourceLabel(r.Source));
                csv.WriteField(r.SourceDetail ?? "");
                csv.WriteField(r.LegalBasis == LegalBasis.Consent ? "consentement" : "intérêt légitime (contact professionnel)");
                csv.WriteField(Format(r.CreatedAt));
                csv.WriteField(r.ConsentAt is { } consent ? Format(consent) : "");
                csv.WriteField(r.ConsentVersion ?? "");
                csv.WriteField(Format(r.LastInteractionAt));
                csv.NextRecord();
            }
        }
        return stream.ToArray();
    }

    // Erasure on request: the row goes, the hashed suppression entry stays so that no import or
    // forgotten list brings the address back (only its owner can, by a new double opt-in).
    // Delivery logs hold subscriber ids only; recorded e-mails go with the e-mail retention.
    public async Task<Result<ErasureReport>> EraseAsync(string? email, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var address = email?.Trim();
        if (!EmailAddresses.IsValid(address))
        {
            return new ValidationErrors().Add("email", NewsletterMessages.EmailInvalid);
        }
        var id = ids.For(address!);
        await suppressions.SuppressAsync(id, SuppressionReason.Erased, cancellationToken);
        var existed = false;
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var row = await subscribers.GetAsync(id, cancellationToken);
            if (row is null)
            {
                break;
            }
            existed = true;
            if (await subscribers.TryDeleteAsync(row, cancellationToken))
            {
                break;
            }
        }
        LogErased(id, actor.Id, existed);
        return Result<ErasureReport>.Success(new ErasureReport(existed));
    }

    public static string StatusLabel(SubscriberStatus status) => status switch
    {
        SubscriberStatus.Pending => "en attente de confirmation",
        SubscriberStatus.Active => "abonné",
        SubscriberStatus.Unsubscribed => "désabonné",
        SubscriberStatus.Bounced => "adresse invalide",
        _ => "signalé comme indésirable",
    };

    public static string SourceLabel(SubscriberSource source) => source switch
    {
        SubscriberSource.Form => "formulaire",
        SubscriberSource.Registration => "inscription à un événement",
        _ => "import",
    };

    private async Task<List<Subscriber>> LoadAsync(CancellationToken cancellationToken)
    {
        var list = new List<Subscriber>();
        await foreach (var row in subscribers.ListAsync(cancellationToken))
        {
            list.Add(Subscriber.From(row));
        }
        return list;
    }

    private static IEnumerable<Subscriber> Filter(IEnumerable<Subscriber> rows, SubscriberQuery query) =>
        rows.Where(r => query.Status is null || r.Status == query.Status)
            .Where(r => string.IsNullOrWhiteSpace(query.Search)
                || r.Email.Contains(query.Search.Trim(), StringComparison.OrdinalIgnoreCase)
                || (r.SourceDetail ?? "").Contains(query.Search.Trim(), StringComparison.OrdinalIgnoreCase))
            .OrderBy(r => r.Email, StringComparer.Ordinal);

    private static string Format(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, SendSchedule.Paris).ToString("dd/MM/yyyy HH:mm", French);

    [LoggerMessage(LogLevel.Information, "Newsletter address {SubscriberId} erased on request by {Actor} (subscriber row existed: {Existed})")]
    private partial void LogErased(string subscriberId, string actor, bool existed);
}
