using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Microstructures.Core.Common;

namespace Microstructures.Core.Registrations;

public sealed record RegistrationRow(string RegistrationId, RegistrationStatus Status, string FirstName, string LastName, string Email, string Profession, string ProfessionLabel,
    string Organisation, string Region, string? AccessibilityNeeds, bool NewsletterOptIn, RegistrationSource Source, DateTimeOffset CreatedAt, DateTimeOffset? CancelledAt, DateTimeOffset? CheckedInAt, IReadOnlyDictionary<string, string> Answers,
    int? WaitlistPosition = null);

public sealed record RegistrationCounts(int Capacity, int Confirmed, int Waitlisted, int Cancelled, int CheckedIn,
    IReadOnlyDictionary<string, int> ConfirmedByProfession, IReadOnlyDictionary<string, int> ConfirmedByRegion);

// Staff views of an event's registrations: list and search, CSV for French Excel, counts.
public sealed class RegistrationReports(RegistrationStore store)
{
    public async Task<Result<IReadOnlyList<RegistrationRow>>> ListAsync(string eventId, string? search, CancellationToken cancellationToken = default)
    {
        if (!EventRules.IsValidEventId(eventId) || await store.GetEventAsync(eventId, cancellationToken) is null)
        {
            return Result<IReadOnlyList<RegistrationRow>>.NotFound("Cet événement n'existe pas.");
        }
        var terms = (search ?? "").Trim();
        var registrations = await store.ListRegistrationsAsync(eventId, cancellationToken);
        var positions = WaitlistPositions(registrations);
        var rows = registrations
            .Where(r => terms.Length == 0 || Matches(r, terms))
            .OrderBy(r => r.CreatedAt)
            .Select(r => ToRow(r, positions))
            .ToList();
        return Result<IReadOnlyList<RegistrationRow>>.Success(rows);
    }

    public async Task<Result<byte[]>> ExportCsvAsync(string eventId, CancellationToken cancellationToken = default)
    {
        var evt = EventRules.IsValidEventId(eventId) ? await store.GetEventAsync(eventId, cancellationToken) : null;
        if (evt is null)
        {
            return Result<byte[]>.NotFound("Cet événement n'existe pas.");
        }
        var registrations = await store.ListRegistrationsAsync(eventId, cancellationToken);
        var positions = WaitlistPositions(registrations);
        var rows = registrations.OrderBy(r => r.CreatedAt).Select(r => ToRow(r, positions));
        return Result<byte[]>.Success(ToCsv(rows, evt.ExtraQuestions));
    }

    public async Task<Result<RegistrationCounts>> CountAsync(string eventId, CancellationToken cancellationToken = default)
    {
        var evt = EventRules.IsValidEventId(eventId) ? await store.GetEventAsync(eventId, cancellationToken) : null;
        if (evt is null)
        {
            return Result<RegistrationCounts>.NotFound("Cet événement n'existe pas.");
        }
        if (RegistrationPurge.ReadArchivedCounts(evt) is { } archived)
        {
            return Result<RegistrationCounts>.Success(archived);
        }
        return Result<RegistrationCounts>.Success(Count(evt, await store.ListRegistrationsAsync(eventId, cancellationToken)));
    }

    public static RegistrationCounts Count(EventEntity evt, IReadOnlyList<RegistrationEntity> registrations)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(registrations);
        var confirmed = registrations.Where(r => r.Status == RegistrationStatus.Confirmed).ToList();
        return new RegistrationCounts(evt.Capacity, evt.Confirmed, evt.Waiting, evt.Cancelled,
            confirmed.Count(r => r.CheckedInAt is not null),
            confirmed.GroupBy(r => Professions.Label(r.Profession)).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            confirmed.GroupBy(r => r.Region).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()));
    }

    // UTF-8 with BOM and ';' so that a double click opens it cleanly in French Excel.
    public static byte[] ToCsv(IEnumerable<RegistrationRow> rows, IReadOnlyList<ExtraQuestion>? questions = null)
    {
        questions ??= [];
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.GetCultureInfo("fr-FR")) { Delimiter = ";", InjectionOptions = InjectionOptions.Escape }))
        {
            foreach (var header in new[] { "Statut", "Prénom", "Nom", "E-mail", "Profession", "Structure", "Région", "Besoins d'accessibilité", "Lettre d'information", "Origine", "Inscrit le", "Annulé le", "Présent", "Arrivée", "Position en liste d'attente" })
            {
                csv.WriteField(header);
            }
            foreach (var question in questions)
            {
                csv.WriteField(question.Label);
            }
            csv.NextRecord();
            foreach (var r in rows)
            {
                csv.WriteField(StatusLabel(r.Status));
                csv.WriteField(r.FirstName);
                csv.WriteField(r.LastName);
                csv.WriteField(r.Email);
                csv.WriteField(r.ProfessionLabel);
                csv.WriteField(r.Organisation);
                csv.WriteField(r.Region);
                csv.WriteField(r.AccessibilityNeeds ?? "");
                csv.WriteField(r.NewsletterOptIn ? "oui" : "non");
                csv.WriteField(r.Source == RegistrationSource.Staff ? "équipe" : "formulaire");
                csv.WriteField(EventRules.FormatParis(r.CreatedAt, "dd/MM/yyyy HH:mm"));
                csv.WriteField(r.CancelledAt is { } c ? EventRules.FormatParis(c, "dd/MM/yyyy HH:mm") : "");
                csv.WriteField(r.CheckedInAt is not null ? "oui" : "");
                csv.WriteField(r.CheckedInAt is { } arrived ? EventRules.FormatParis(arrived, "dd/MM/yyyy HH:mm") : "");
                csv.WriteField(r.WaitlistPosition);
                foreach (var question in questions)
                {
                    csv.WriteField(r.Answers.GetValueOrDefault(question.Id) ?? "");
                }
                csv.NextRecord();
            }
        }
        return stream.ToArray();
    }

    public static string StatusLabel(RegistrationStatus status) => status switch
    {
        RegistrationStatus.Confirmed => "confirmé",
        RegistrationStatus.Waitlisted => "liste d'attente",
        _ => "annulé",
    };

    private static bool Matches(RegistrationEntity r, string terms) =>
        $"{r.FirstName} {r.LastName} {r.Email} {r.Organisation}".Contains(terms, StringComparison.OrdinalIgnoreCase);

    // Places on the waitlist, 1 first: the order of the waitlisted registrations' sequence numbers,
    // as RegistrationStore.WaitlistPositionAsync counts them.
    private static Dictionary<string, int> WaitlistPositions(IReadOnlyList<RegistrationEntity> registrations) =>
        registrations.Where(r => r.Status == RegistrationStatus.Waitlisted && r.WaitSequence is not null)
            .OrderBy(r => r.WaitSequence)
            .Select((r, i) => (r.RegistrationId, Position: i + 1))
            .ToDictionary(x => x.RegistrationId, x => x.Position, StringComparer.Ordinal);

    private static RegistrationRow ToRow(RegistrationEntity r, Dictionary<string, int> positions) =>
        new(r.RegistrationId, r.Status, r.FirstName, r.LastName, r.Email, r.Profession, Professions.Label(r.Profession), r.Organisation, r.Region,
            r.AccessibilityNeeds, r.NewsletterOptIn, r.Source, r.CreatedAt, r.CancelledAt, r.CheckedInAt,
            r.AnswersJson is { Length: > 0 } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [] : new Dictionary<string, string>(),
            positions.TryGetValue(r.RegistrationId, out var position) ? position : null);
}
