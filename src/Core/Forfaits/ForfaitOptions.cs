using System.ComponentModel.DataAnnotations;
using Microstructures.Core.ReferenceData;

namespace Microstructures.Core.Forfaits;

// A forfait scheme (an "Article 51" experiment or its successor): id used in the API and the CSV,
// name shown on the platform only (never in an e-mail), amount paid per patient and per year.
public sealed class ForfaitScheme
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public decimal AmountEuros { get; set; }
}

// Settings "Forfaits__…". Schemes and lead times are lists (Forfaits__Schemes__0__Id, Forfaits__LeadTimesDays__0);
// when none is configured the defaults below apply (the binder would append configured items to
// pre-filled lists, hence defaults filled after binding).
public sealed class ForfaitOptions : IValidatableObject
{
    public const string SectionName = "Forfaits";

    public static readonly IReadOnlyList<ForfaitScheme> DefaultSchemes =
    [
        new() { Id = "equip-addict", Name = "Equip'Addict", AmountEuros = 806m },
        new() { Id = "sante-mentale", Name = "Microstructures post-Covid / santé mentale", AmountEuros = 829m },
    ];

    public static readonly IReadOnlyList<int> DefaultLeadTimesDays = [60, 30, 7];

    public List<ForfaitScheme> Schemes { get; set; } = [];

    // Reminders to the microstructure, in days before a period's last day.
    public List<int> LeadTimesDays { get; set; } = [];

    // The network's coordinators are told when a period is this many days from its end without renewal.
    [Range(1, 365)]
    public int EscalationDaysBefore { get; set; } = 7;

    // Every (period, lead time) due before this Paris date is recorded as skipped, never sent: a first
    // deployment or an import does not blast a backlog. Required: a deployment must choose it.
    [Required]
    public DateOnly? RemindersStartDate { get; set; }

    // HMAC key of the digest links. Changing it invalidates every link sent.
    [Required, MinLength(32)]
    public string SigningKey { get; set; } = "";

    // A digest link works until this many days after the last end date it announces.
    [Range(1, 365)]
    public int LinkDaysAfterEnd { get; set; } = 14;

    // Microstructures (and networks) whose digests a run prepares at the same time.
    [Range(1, 64)]
    public int RunParallelism { get; set; } = 8;

    public ForfaitScheme? FindScheme(string? id) => Schemes.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.Ordinal));

    public void ApplyDefaults()
    {
        if (Schemes.Count == 0)
        {
            Schemes.AddRange(DefaultSchemes.Select(s => new ForfaitScheme { Id = s.Id, Name = s.Name, AmountEuros = s.AmountEuros }));
        }
        if (LeadTimesDays.Count == 0)
        {
            LeadTimesDays.AddRange(DefaultLeadTimesDays);
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (scheme, i) in Schemes.Select((s, i) => (s, i)))
        {
            if (!Slugs.IsValid(scheme.Id))
            {
                yield return new ValidationResult($"Forfaits:Schemes:{i}:Id must be a slug (a-z, 0-9, '-'), got '{scheme.Id}'.", [nameof(Schemes)]);
            }
            if (string.IsNullOrWhiteSpace(scheme.Name))
            {
                yield return new ValidationResult($"Forfaits:Schemes:{i}:Name is required.", [nameof(Schemes)]);
            }
            if (scheme.AmountEuros is <= 0 or > 100_000)
            {
                yield return new ValidationResult($"Forfaits:Schemes:{i}:AmountEuros must be between 0 and 100000, got {scheme.AmountEuros}.", [nameof(Schemes)]);
            }
        }
        if (Schemes.GroupBy(s => s.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            yield return new ValidationResult($"Forfaits:Schemes has the id '{duplicate.Key}' twice.", [nameof(Schemes)]);
        }
        if (LeadTimesDays.Any(d => d is < 1 or > 365) || LeadTimesDays.Distinct().Count() != LeadTimesDays.Count)
        {
            yield return new ValidationResult($"Forfaits:LeadTimesDays must be distinct numbers of days between 1 and 365, got {string.Join(", ", LeadTimesDays)}.", [nameof(LeadTimesDays)]);
        }
    }
}
